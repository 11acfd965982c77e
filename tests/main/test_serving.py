"""What a server does before it serves (app.web.ready_to_serve, called by wsgi.py)."""
import gc

from app.web import compile_templates, ready_to_serve


def test_every_template_compiles_and_stays_compiled(app):
    count = compile_templates(app)
    assert count == len(app.jinja_env.list_templates()) > 100
    # All of them kept: a template past the cache's size would be compiled again and again.
    assert len(app.jinja_env.cache) == count


def test_ready_to_serve_settles_the_garbage_collector(app):
    before = gc.get_threshold()
    try:
        ready_to_serve(app)
        assert gc.get_threshold()[0] == 20_000 and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
