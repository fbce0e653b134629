#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A recording notification server for tests: owns
org.freedesktop.Notifications on the session bus named by
DBUS_SESSION_BUS_ADDRESS and appends one JSON line per Notify call to
the file given as argv[1]: id, replaces_id, app_name, summary, body,
urgency (0 low, 1 normal, 2 critical), category.

Needs Debian's python3-dbus and python3-gi (`/usr/bin/python3`)."""

import json
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


class Server(dbus.service.Object):
    def __init__(self, bus, out):
        super().__init__(bus, PATH)
        self.out = out
        self.next_id = 1

    @dbus.service.method(NAME, in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app_name, replaces_id, icon, summary, body, actions, hints, timeout):
        nid = int(replaces_id) or self.next_id
        if not replaces_id:
            self.next_id += 1
        rec = {"id": nid, "replaces_id": int(replaces_id), "app_name": str(app_name),
               "summary": str(summary), "body": str(body),
               "urgency": int(hints.get("urgency", 1)),
               "category": str(hints.get("category", ""))}
        with open(self.out, "a") as f:
            f.write(json.dumps(rec) + "\n")
        return dbus.UInt32(nid)

    @dbus.service.method(NAME, in_signature="", out_signature="as")
    def GetCapabilities(self):
        return ["body", "body-markup"]

    @dbus.service.method(NAME, in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("bc-test-notifyd", "backchat", "1.0", "1.2")

    @dbus.service.method(NAME, in_signature="u", out_signature="")
    def CloseNotification(self, nid):
        pass


def main():
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    srv = Server(bus, sys.argv[1])
    name = dbus.service.BusName(NAME, bus, do_not_queue=True)
    print("ready", flush=True)
    GLib.MainLoop().run()
    del srv, name


if __name__ == "__main__":
    main()
