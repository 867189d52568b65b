#pragma once

#include "util/result.h"

#include <QObject>

#include <functional>
#include <memory>

class QLocalServer;
class QLocalSocket;
class QLockFile;

namespace ferry::gui {

// What a later start of ferry-gui asks of the one that runs.
struct InstanceRequest
{
    enum class Action {
        Show, // `ferry-gui`: the window in front
        Open, // `ferry-gui CONFIG.ini`: that config in the window
        Tray, // `ferry-gui --tray`: the background workers kept running
    };
    Action action = Action::Show;
    QString configPath; // Open: absolute
};

// What the running one did about it.
struct InstanceReply
{
    qint64 pid = 0;
    bool opened = false; // Open: the config is shown
    QString configPath;  // the config its window shows now; empty: none
};

// One ferry-gui per user and local store. The first start holds a lock file
// and listens on a local socket beside it, in the user's runtime folder
// (XDG_RUNTIME_DIR), both named after the user id and the store's path, so
// two users, or two homes, never meet. A later start hands its request over
// (handOver) and exits. A lock left by a crash is stale (its process is
// gone): the next start takes it and removes the socket file left with it.
class SingleInstance : public QObject
{
    Q_OBJECT

public:
    enum class Start {
        First,   // this process holds the lock and listens
        Running, // another ferry-gui holds it: hand over
        Alone,   // no lock could be made here: run without one (stderr says why)
    };
    using Handler = std::function<InstanceReply(const InstanceRequest &)>;

    explicit SingleInstance(const QString &storePath, QObject *parent = nullptr);
    ~SingleInstance() override;

    // "<runtime folder>/ferry-gui-<uid>-<key>": + ".lock" and + ".socket".
    QString basePath() const { return m_basePath; }
    Start start();
    // The first start answers later ones with `handler` (on the UI thread).
    void setHandler(Handler handler) { m_handler = std::move(handler); }
    // Sends `request` to the running ferry-gui and waits for its answer,
    // retrying while it is still starting, at most `timeoutMs`.
    Result<InstanceReply> handOver(const InstanceRequest &request, int timeoutMs = 10000) const;

private:
    void serve(QLocalSocket *socket);

    QString m_basePath;
    std::unique_ptr<QLockFile> m_lock;
    QLocalServer *m_server = nullptr;
    Handler m_handler;
};

} // namespace ferry::gui
