"""Mend as an app on a phone's home screen: the web app manifest, the icons, the service worker, the offline page."""
