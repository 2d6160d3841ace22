"""The baseline: a bare Flask "hello" app, served by gunicorn exactly as Mend is."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """Say hello: the least a Flask request can do."""
    return "Hello, World!"
