"""Subscribing, confirming, unsubscribing: thin adapters on ``statuspage.subscriptions``.

Links in mail only show a page with one button; only the POST acts, so mail scanners that
prefetch links confirm and unsubscribe nobody."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from statuspage.forms import SubscribeForm
from statuspage.links import BadLink, read_confirm, read_unsubscribe
from statuspage.pages import render_page
from statuspage.subscriptions import subscriber_confirm, subscriber_request, subscriber_unsubscribe

SENT = (
    "Thanks. If that address can receive mail, a message with a link to confirm is on its "
    "way: updates start once you confirm."
)


def _bad_link(request: HttpRequest) -> HttpResponse:
    return render_page(request, "statuspage/bad_link.html", status=404)


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render_page(request, "statuspage/subscribe.html", {"form": SubscribeForm()})
    limited = is_ratelimited(
        request,
        group="statuspage.subscribe",
        key="ip",
        rate=settings.STATUS_SUBSCRIBE_RATE_IP,
        method="POST",
        increment=True,
    )
    form = SubscribeForm(request.POST)
    if limited:
        context = {"form": form, "limited": True}
        return render_page(request, "statuspage/subscribe.html", context, status=429)
    if not form.is_valid():
        return render_page(request, "statuspage/subscribe.html", {"form": form}, status=400)
    subscriber_request(form.cleaned_data["email"], services=form.cleaned_data["services"])
    # The same answer whether the address was new, pending, subscribed or unsubscribed.
    messages.success(request, SENT)
    return HttpResponseRedirect(reverse("statuspage:status"))


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        confirmation = read_confirm(token)
    except BadLink:
        return _bad_link(request)
    if request.method != "POST":
        context = {"subscriber": confirmation.subscriber}
        return render_page(request, "statuspage/confirm.html", context)
    subscriber_confirm(confirmation.subscriber, service_ids=confirmation.service_ids)
    messages.success(request, "You are subscribed: updates will come by email.")
    return HttpResponseRedirect(reverse("statuspage:status"))


# Exempt from CSRF, this one endpoint only: RFC 8058's one-click POST comes from the mail
# client, with no form of ours to carry a token; the signed token in the URL is what
# authenticates it, and all it can do is stop mail.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = read_unsubscribe(token)
    except BadLink:
        return _bad_link(request)
    if request.method != "POST":
        return render_page(request, "statuspage/unsubscribe.html", {"subscriber": subscriber})
    subscriber_unsubscribe(subscriber)
    return render_page(request, "statuspage/unsubscribed.html", {"subscriber": subscriber})
