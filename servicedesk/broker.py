"""kombu's Redis transport with the one fix a worker needs to outlive a broker restart.

Celery 5.7.0 / kombu 5.7.0 (the latest releases): when Redis goes away while the worker
waits on ``BRPOP`` and holds unacknowledged messages (a task running under ``acks_late``,
or a reserved one), the consumer first ``collect()``s the connection: closing the channel
re-reads the dead ``BRPOP`` reply and raises before anything is closed (kombu swallows the
error), and kombu then detaches the transport from its connection. Celery next
``close()``s the connection, the still-open channel tries to put its unacknowledged
messages back through a transport with no connection (``conninfo.hostname`` on ``None``)
and the ``AttributeError`` escapes as "Unrecoverable error": the worker process exits.

This channel finishes closing at the first failure, while it still knows its broker, so
the second close finds it closed. The messages it held stay in Redis' unacked set, which
kombu restores after the visibility timeout; the outbox does not depend on them anyway
(the relay hands over every due row from the database). Selected by
``CELERY_BROKER_TRANSPORT`` in settings for ``redis://`` brokers (not ``rediss://``: kombu
turns TLS on from that scheme's name).
"""

import contextlib

from kombu.transport import redis

# Redis' connection errors (and kombu's own), as the transport declares them.
CONNECTION_ERRORS = redis.Transport.connection_errors


class Channel(redis.Channel):
    def close(self) -> None:
        try:
            super().close()
        except CONNECTION_ERRORS:
            # The dead BRPOP read raised before the channel was marked closed (and
            # _brpop_read has cleared _in_poll): close it now, restoring what it can.
            with contextlib.suppress(*CONNECTION_ERRORS):
                super().close()
            raise


class Transport(redis.Transport):
    Channel = Channel
