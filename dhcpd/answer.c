/* Replies of pxe-dhcpd, as RFC 2131 table 3 fills them. */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "answer.h"

/* RFC 2131 §4.4.5: T1 defaults to half the lease, T2 to 7/8 of it. */
static int lease_times(struct dhcp_msg *reply, uint32_t secs)
{
	uint64_t t2 = (uint64_t)secs * 7 / 8;
	int rc = dhcp_msg_set_u32(reply, OPT_LEASE_TIME, secs);

	if (!rc)
		rc = dhcp_msg_set_u32(reply, OPT_RENEWAL_TIME, secs / 2);
	if (!rc)
		rc = dhcp_msg_set_u32(reply, OPT_REBINDING_TIME, (uint32_t)t2);
	return rc;
}

/* Configured options may set T1 and T2 (checked against the configured
 * lease times); they stand when they keep §4.4.5's T1 < T2 < lease time for
 * this lease, which a client may have asked to be shorter (option 51).
 * Otherwise the defaults; and without a lease (an INFORM's ACK, a proxy's
 * reply), neither. */
static int lease_times_in_order(struct dhcp_msg *reply, bool lease, uint32_t secs)
{
	uint32_t t1, t2;

	if (!lease) {
		dhcp_msg_del(reply, OPT_RENEWAL_TIME);
		dhcp_msg_del(reply, OPT_REBINDING_TIME);
		return 0;
	}
	if (dhcp_msg_get_u32(reply, OPT_RENEWAL_TIME, &t1) &&
	    dhcp_msg_get_u32(reply, OPT_REBINDING_TIME, &t2) && t1 < t2 && t2 < secs)
		return 0;
	return lease_times(reply, secs);
}

/* Table 3: a NAK carries the server id and a message, nothing else. */
static int nak(struct dhcp_msg *reply, const struct dhcp_msg *req, const struct decision *d,
	       struct in_addr server_id)
{
	int rc;

	dhcp_msg_init_reply(reply, req, DHCPNAK);
	rc = dhcp_msg_set_ip(reply, OPT_SERVER_ID, server_id);
	return rc ? rc : dhcp_msg_set(reply, OPT_MESSAGE, d->why, strlen(d->why));
}

int answer_build(struct dhcp_msg *reply, const struct dhcp_msg *req,
		 const struct dhcpd_config *cfg, const struct decision *d,
		 struct in_addr server_id, struct pxe_boot *boot)
{
	int rc;

	memset(boot, 0, sizeof *boot);
	if (d->verdict == VERDICT_NAK)
		return nak(reply, req, d, server_id);
	dhcp_msg_init_reply(reply, req, d->verdict == VERDICT_OFFER ? DHCPOFFER : DHCPACK);
	/* Table 3: an ACK's ciaddr is the request's. */
	if (d->verdict != VERDICT_OFFER)
		reply->ciaddr = req->ciaddr;
	if (d->verdict != VERDICT_ACK_INFO) {
		reply->yiaddr = d->yiaddr;
		rc = lease_times(reply, d->lease_secs);
		if (rc)
			return rc;
	}
	/* RFC 6842: the client identifier goes back as it came. */
	rc = dhcp_msg_set_ip(reply, OPT_SERVER_ID, server_id);
	if (!rc)
		rc = dhcp_msg_copy_opt(reply, req, OPT_CLIENT_ID);
	if (rc)
		return rc;
	pxe_boot_choose(cfg, req, d->subnet, d->host, server_id, boot);
	rc = pxe_reply_boot(reply, req, boot, false);
	if (!rc)
		rc = pxe_reply_options(reply, cfg, boot);
	return rc ? rc : lease_times_in_order(reply, d->verdict != VERDICT_ACK_INFO, d->lease_secs);
}

int answer_proxy(struct dhcp_msg *reply, const struct dhcp_msg *req,
		 const struct dhcpd_config *cfg, const struct dhcpd_subnet *link,
		 struct in_addr server_id, struct pxe_boot *boot)
{
	size_t len;
	const uint8_t *id = dhcp_msg_get(req, OPT_CLIENT_ID, &len);
	const struct dhcpd_host *host = dhcpd_config_host(cfg, id, id ? len : 0, req->chaddr,
							  req->hlen);
	unsigned type = dhcp_msg_type(req);
	int rc;

	memset(boot, 0, sizeof *boot);
	pxe_boot_choose(cfg, req, link, host, server_id, boot);
	if (!(boot->client.pxe || boot->client.http) || !boot->file)
		return -ENOENT;
	if (cfg->d->deny_unknown && !host)
		return -ENOENT;
	dhcp_msg_init_reply(reply, req, type == DHCPDISCOVER ? DHCPOFFER : DHCPACK);
	/* PXE 2.1 §2.2.4: the client's own ciaddr stays; the proxy gives none. */
	reply->ciaddr = req->ciaddr;
	rc = dhcp_msg_set_ip(reply, OPT_SERVER_ID, server_id);
	if (!rc)
		rc = dhcp_msg_copy_opt(reply, req, OPT_CLIENT_ID);
	/* PXE 2.1 §2.2.4: the client machine identifier (97) goes back. */
	if (!rc)
		rc = dhcp_msg_copy_opt(reply, req, OPT_CLIENT_UUID);
	if (!rc)
		rc = pxe_reply_boot(reply, req, boot, true);
	if (!rc)
		rc = pxe_reply_options(reply, cfg, boot);
	return rc ? rc : lease_times_in_order(reply, false, 0);
}
