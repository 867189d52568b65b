#pragma once

#include "db/connectionstring.h"
#include "replication/eventresolution.h"

#include <QString>

namespace ferry::gui {

// What the Errors page asks of a leaf stopped at an event.
struct EventActionRequest
{
    enum Kind { Describe, Skip, Replace, Retry };
    Kind kind = Describe;
    ConnectionString where; // the node's database
    QString queue;
    qint64 eventId = 0;
    QString sql; // Replace: the statements to apply in the event's place
};

struct EventActionReply
{
    EventActionRequest::Kind kind = EventActionRequest::Describe;
    QString error; // one line, masked; empty when it worked
    QString node;  // the node's name
    bool workerRunning = false;
    QueuedEventContent content; // Describe
    EventFix fix;               // Skip, Replace
};

// Opens the node, reads it and runs the same core as `ferry CONFIG.ini
// skip-event | replace-event | retry`. Blocks: the page runs it with runAsync.
EventActionReply runEventAction(const EventActionRequest &request);

} // namespace ferry::gui
