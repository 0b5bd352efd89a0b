"""A client that writes numbered rows into two tables (<prefix>_plain and <prefix>_dedup) of a
QuestDB that the test kills and restarts, and says on stdout what the server acknowledged.

  python3 writer.py ilp|pg <port> <prefix> <rows> <batch>    (QDB_W_USER, QDB_W_PASSWORD)

ilp: QuestDB's official Python client over HTTP; a flush returns once the server acknowledged
the request (both tables' rows, one transaction per table). pg: psycopg, autocommit, one
multi-row INSERT per table per batch; execute() returns once the server acknowledged it.
Row id i has the timestamp BASE + i ms, so a retried row is the same row under DEDUP UPSERT KEYS(ts, id).

Lines: `ack <table> <batch>` for each acknowledged batch; `error <batch> <reason>` when a request
failed (the server was killed); `replay <table> <batch>` when, after reconnecting, it sends its last
acknowledged batch once more, as an at-least-once producer that lost its own record of the
acknowledgement does (this makes duplicates certain, so that "the DEDUP tables have none" means
something); `done` at the end. It gives up (exit 3) after 120 s without an acknowledgement.
"""
import datetime
import os
import sys
import time

mode, port, prefix, rows, batch = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
user, password = os.environ["QDB_W_USER"], os.environ["QDB_W_PASSWORD"]
tables = [f"{prefix}_plain", f"{prefix}_dedup"]
BASE_MS = 1_764_547_200_000  # 2025-12-01T00:00:00Z
GIVE_UP_SECONDS = 120


def say(*words):
    print(*words, flush=True)


def ids(b):
    return range(b * batch, min((b + 1) * batch, rows))


class Ilp:
    def __init__(self):
        import questdb.ingress as qi
        self.qi = qi
        conf = f"http::addr=127.0.0.1:{port};username={user};password={password};auto_flush=off;retry_timeout=0;request_timeout=5000;"
        self.sender = qi.Sender.from_conf(conf)
        self.sender.establish()

    def send(self, b, word):
        buf = self.sender.new_buffer()
        for table in tables:
            for i in ids(b):
                buf.row(table, columns={"id": i, "b": b}, at=self.qi.TimestampNanos((BASE_MS + i) * 1_000_000))
        self.sender.flush(buf)
        for table in tables:
            say(word, table, b)

    def close(self):
        try:
            self.sender.close(flush=False)
        except Exception:
            pass


class Pg:
    def __init__(self):
        import psycopg
        self.conn = psycopg.connect(host="127.0.0.1", port=port, user=user, password=password, dbname="qdb",
                                    autocommit=True, connect_timeout=3)

    def send(self, b, word):
        epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        values = ",".join(
            f"({i}, {b}, '{(epoch + datetime.timedelta(milliseconds=BASE_MS + i)).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}')"
            for i in ids(b))
        for table in tables:
            self.conn.execute(f"INSERT INTO {table} (id, b, ts) VALUES {values}")
            say(word, table, b)

    def close(self):
        try:
            self.conn.close()
        except Exception:
            pass


def main():
    batches = (rows + batch - 1) // batch
    client, b, last_acked, replay, last_ok = None, 0, None, False, time.monotonic()
    while b < batches:
        try:
            if client is None:
                client = Ilp() if mode == "ilp" else Pg()
            if replay and last_acked is not None:
                client.send(last_acked, "replay")
                replay = False
            client.send(b, "ack")
            last_acked, b, last_ok = b, b + 1, time.monotonic()
        except Exception as err:  # the server is down or was killed mid-request
            say("error", b, repr(err).replace("\n", " ")[:200])
            if client is not None:
                client.close()
            client, replay = None, True
            if time.monotonic() - last_ok > GIVE_UP_SECONDS:
                sys.exit(3)
            time.sleep(0.2)
    if client is not None:
        client.close()
    say("done")


main()
