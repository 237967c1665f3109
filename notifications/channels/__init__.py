"""The delivery channels beyond the inbox: e-mail and text messages (registered in
``NotificationsConfig.ready``; docs/architecture.md, "Notifications")."""
