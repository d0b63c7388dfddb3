"""Must-show 6, SSRF: a webhook may not call this host, the private network or the cloud's
metadata address. Refused when the endpoint is saved (the admin says why) and again when
it is sent (DNS may answer differently by then), unless WEBHOOK_ALLOWED_NETWORKS names the
address."""

import ipaddress
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import User
from notifications.channels import Permanent, send_webhook
from notifications.destinations import address_refusal
from notifications.enums import Channel
from notifications.models import Endpoint, Notification
from tests.notifications.harness import start_receiver

pytestmark = pytest.mark.django_db


def hosts_file_name() -> str:
    """A name /etc/hosts maps to a loopback address, besides localhost."""
    for line in Path("/etc/hosts").read_text().splitlines():
        address, *names = line.split("#")[0].split()
        if names and ipaddress.ip_address(address).is_loopback:
            for name in names:
                if "localhost" not in name:
                    return name
    return "localhost"


INTERNAL = [
    "http://127.0.0.1/hook",
    "http://[::1]/hook",
    "http://10.0.0.1/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://localhost:8080/hook",
    f"http://{hosts_file_name()}/hook",
    "http://2130706433/",  # 127.0.0.1 as one decimal number
    "http://0x7f.1/",  # and in hex, with the zeros left out
    "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped IPv6
]


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_urls_are_refused_at_save_and_at_send(url):
    endpoint = Endpoint(name="hook", url=url)
    with pytest.raises(ValidationError) as refused:
        endpoint.full_clean()
    assert "url" in refused.value.message_dict

    endpoint.save()  # as if DNS answered a public address when it was saved
    row = Notification(channel=Channel.WEBHOOK, endpoint=endpoint, payload={"n": 1})
    with pytest.raises(Permanent, match=r"^Refused: .+ is a (loopback|private|link-local) address"):
        send_webhook(row)


def test_the_admin_says_why(settings):
    admin = User.objects.create_superuser("root", "root@example.com", "x")
    client = Client()
    client.force_login(admin)
    page = client.post(
        "/admin/notifications/endpoint/add/",
        {"name": "metadata", "url": "http://169.254.169.254/latest/", "format": "standard"},
    )
    assert page.status_code == 200
    assert "Webhooks may not call internal addresses" in page.content.decode()
    assert "169.254.169.254 is a link-local address" in page.content.decode()
    assert not Endpoint.objects.exists()


def test_public_addresses_pass_the_check():
    Endpoint(name="chat", url="https://93.184.215.14/hook").full_clean()
    for public in ("8.8.8.8", "2606:4700:4700::1111"):
        assert address_refusal(ipaddress.ip_address(public)) == ""
    for internal in ("172.16.5.4", "192.168.1.1", "fc00::1", "fe80::1", "0.0.0.0", "224.0.0.1"):
        assert address_refusal(ipaddress.ip_address(internal)), internal


def test_the_loopback_receiver_is_reached_only_when_allowed(settings):
    receiver = start_receiver()
    try:
        endpoint = Endpoint.objects.create(name="local", url=receiver.url + "/hook")
        row = Notification(channel=Channel.WEBHOOK, endpoint=endpoint, payload={"n": 1})
        with pytest.raises(Permanent, match=r"127\.0\.0\.1 is a loopback address"):
            send_webhook(row)
        assert receiver.ids("/hook") == []  # refused before connecting

        settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
        endpoint.full_clean()
        send_webhook(row)
        assert receiver.ids("/hook") == [row.message_id]
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
