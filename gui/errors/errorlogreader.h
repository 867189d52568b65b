#pragma once

#include "cascade/nodeerrorlog.h"
#include "config/jobconfig.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace ferry::gui {

struct ErrorLogRequest
{
    quint64 token = 0; // answers to an older request are dropped
    JobConfig config;
    QString localNode; // read with the config's db
    struct Member
    {
        QString name;
        QString location; // stored location, no password
    };
    QList<Member> members;
    int limitPerNode = 500;
};

struct ErrorLogReply
{
    quint64 token = 0;
    QList<NodeErrorEntry> entries; // every node's, newest (last seen) first
    QStringList problems;          // "node: why its log could not be read" (masked)
    int membersAsked = 0;
    int membersRead = 0; // an empty list means "no errors" only when all were read
    QDateTime readAt;
};

// Reads ferry.node_error of every member of the cascade. Blocks: the window
// runs it on a QtConcurrent worker thread; it opens and closes its own
// connections, one node after the other, through the process's ConnectGate
// (a node that refused the login is not tried again until the user acts).
ErrorLogReply readErrorLog(const ErrorLogRequest &request);

} // namespace ferry::gui
