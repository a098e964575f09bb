def test_pages_default_to_chinese_whatever_the_browser_says(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-CN">' in response.content.decode()


def test_the_chosen_language_is_used(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/accounts/login/")
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()
