from .urls_activities import urlpatterns as activity_urls

app_name = "sales"
urlpatterns: list = [*activity_urls]
