#pragma once

#include "result.h"

#include <QByteArray>
#include <QString>
#include <QtGlobal>

#include <memory>

namespace ferry {

// The log line of a long-running job (`ferry CONFIG.ini worker|ticker`),
// londiste3's way, without the newline:
//
//     2026-11-25 11:20:03.123 12345 INFO ticker on postgres@db1:5432/digoal_01
//
// local time to the millisecond, this process's pid, DEBUG/INFO/WARNING/ERROR
// and the message on one line (line breaks in it become spaces). Messages are
// written as given: callers mask connection strings first.
QByteArray formatJobLogLine(QtMsgType type, const QString &message);

// Writes all of `bytes` to `fd`, retrying after EINTR and short writes. Gives
// up silently on an error: a log has nowhere left to report it.
void writeFully(int fd, const QByteArray &bytes);

// A job's logfile, opened for appending, for a job that runs inside a process
// that is not its own (the desktop manager runs several workers, each with
// its own logfile). Each line is one write() on an O_APPEND descriptor, so
// lines of several threads and processes (a `ferry -d` that ran before) stay
// whole. Thread-safe.
class JobLogFile
{
public:
    // Opens `path` (creating it and its folder) for appending.
    static Result<std::shared_ptr<JobLogFile>> open(const QString &path);
    ~JobLogFile();
    JobLogFile(const JobLogFile &) = delete;
    JobLogFile &operator=(const JobLogFile &) = delete;

    QString path() const { return m_path; }
    // One line as formatJobLogLine() makes it. DEBUG messages are dropped, as
    // the CLI drops them without -v.
    void write(QtMsgType type, const QString &message) const;
    // A line made already (formatJobLogLine), in one write() with its newline.
    void writeLine(const QByteArray &line) const;

    // The file the calling thread's Qt messages go to (see JobLogScope); null
    // when they go to the process's message handler.
    static std::shared_ptr<JobLogFile> current();

private:
    JobLogFile(QString path, int fd);

    QString m_path;
    int m_fd = -1;
};

// While it lives, the Qt messages (qInfo, qCWarning, ...) of the calling
// thread go to `file` instead of the process's handler; other threads are not
// affected. A job that starts a thread of its own passes JobLogFile::current()
// on to it. The first scope with a file installs a message handler, once per
// process, which hands the messages of every other thread to the handler
// installed before it. A null `file` leaves the thread's messages to that
// handler.
class JobLogScope
{
public:
    explicit JobLogScope(std::shared_ptr<JobLogFile> file);
    ~JobLogScope();
    JobLogScope(const JobLogScope &) = delete;
    JobLogScope &operator=(const JobLogScope &) = delete;

private:
    std::shared_ptr<JobLogFile> m_previous;
};

} // namespace ferry
