"""Reads one raw email on stdin with independent parsers and prints what a client would see, as JSON.

The message goes through Python's email package under policy.strict (any defect raises); its
calendar part, if any, through the icalendar package. Used by the end-to-end tests, so what
Tandem sent to a real SMTP server is checked by parsers that are not Tandem's own.
"""
import json
import sys
from email import policy
from email.parser import BytesParser

import icalendar

raw = sys.stdin.buffer.read()
msg = BytesParser(policy=policy.strict).parsebytes(raw)


def tree(part):
    if part.is_multipart():
        return {"type": part.get_content_type(), "parts": [tree(p) for p in part.iter_parts()]}
    return {"type": part.get_content_type()}


out = {
    "subject": str(msg["Subject"]),
    "from": str(msg["From"]),
    "to": str(msg["To"]),
    "reply_to": str(msg["Reply-To"]) if msg["Reply-To"] else None,
    "message_id": str(msg["Message-ID"]),
    "list_unsubscribe": str(msg["List-Unsubscribe"]) if msg["List-Unsubscribe"] else None,
    "tree": tree(msg),
    "text": None,
    "html": None,
    "images": [],
    "calendar": None,
}
for part in msg.walk():
    ctype = part.get_content_type()
    if part.is_multipart():
        continue
    if ctype == "text/plain":
        out["text"] = part.get_content()
    elif ctype == "text/html":
        out["html"] = part.get_content()
    elif ctype == "image/png":
        body = part.get_content()
        out["images"].append({"cid": part["Content-ID"], "png": body[:8] == b"\x89PNG\r\n\x1a\n"})
    elif ctype == "text/calendar":
        ics = part.get_content()
        cal = icalendar.Calendar.from_ical(ics)
        events = [c for c in cal.walk() if c.name == "VEVENT"]
        event = events[0]
        attendees = event.get("ATTENDEE")
        attendees = attendees if isinstance(attendees, list) else [attendees] if attendees else []
        out["calendar"] = {
            "content_type_method": part.get_param("method"),
            "method": str(cal.get("METHOD")),
            "events": len(events),
            "uid": str(event.get("UID")),
            "sequence": int(event.get("SEQUENCE", 0)),
            "summary": str(event.get("SUMMARY")),
            "location": str(event.get("LOCATION")),
            "description": str(event.get("DESCRIPTION")),
            "dtstart": event.decoded("DTSTART").isoformat(),
            "dtend": event.decoded("DTEND").isoformat(),
            "has_dtstamp": event.get("DTSTAMP") is not None,
            "status": str(event.get("STATUS")) if event.get("STATUS") else None,
            "organizer": str(event.get("ORGANIZER")),
            "attendees": [
                {
                    "address": str(a),
                    "cn": a.params.get("CN"),
                    "rsvp": a.params.get("RSVP"),
                    "partstat": a.params.get("PARTSTAT"),
                }
                for a in attendees
            ],
            "max_line_octets": max(len(line) for line in ics.encode("utf-8").split(b"\r\n")),
            "crlf_only": b"\n" not in ics.encode("utf-8").replace(b"\r\n", b""),
        }
print(json.dumps(out))
