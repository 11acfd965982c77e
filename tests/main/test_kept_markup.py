"""Markup kept per process (board cards, backlog rows): what is kept under a key is given back
without being written again, and the store holds at most its size, dropping the entry used
longest ago, so a busy server's memory does not grow with every card it ever showed."""
import threading

from app.web import KeptMarkup


def test_what_is_kept_is_given_back_without_writing_it_again():
    kept, written = KeptMarkup(10), []

    def write(text):
        written.append(text)
        return f"<li>{text}</li>"

    assert kept.get(("card", 1, "da"), lambda: write("one")) == "<li>one</li>"
    assert kept.get(("card", 1, "da"), lambda: write("again")) == "<li>one</li>"
    assert kept.get(("card", 1, "en"), lambda: write("en")) == "<li>en</li>"  # a key of its own
    assert written == ["one", "en"]


def test_the_entry_used_longest_ago_goes_first():
    kept = KeptMarkup(2)
    kept.get("a", lambda: "A")
    kept.get("b", lambda: "B")
    kept.get("a", lambda: "not written")  # used again: now "b" is the oldest
    kept.get("c", lambda: "C")
    assert kept.get("a", lambda: "A again") == "A"
    assert kept.get("b", lambda: "B again") == "B again"  # was dropped


def test_threads_share_it_and_it_stays_within_its_size():
    kept = KeptMarkup(50)

    def show(offset):
        for n in range(500):
            key = (n + offset) % 120
            assert kept.get(key, lambda key=key: f"<li>{key}</li>") == f"<li>{key}</li>"

    threads = [threading.Thread(target=show, args=(i * 7,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(kept) <= 50
