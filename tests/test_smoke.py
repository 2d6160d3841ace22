def test_welcome_page(client):
    """The welcome page answers with both ways in."""
    body = client.get("/").get_data(as_text=True)
    assert "I'm in recovery" in body or "I&#39;m in recovery" in body
