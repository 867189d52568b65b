#include "app/singleinstance.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLockFile>
#include <QStandardPaths>
#include <QTextStream>
#include <QThread>

#include <unistd.h>

namespace ferry::gui {

namespace {

// A request and its answer are one line of JSON each.
QByteArray line(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

QString actionName(InstanceRequest::Action action)
{
    switch (action) {
    case InstanceRequest::Action::Open:
        return QStringLiteral("open");
    case InstanceRequest::Action::Tray:
        return QStringLiteral("tray");
    case InstanceRequest::Action::Show:
        break;
    }
    return QStringLiteral("show");
}

InstanceRequest::Action actionFromName(const QString &name)
{
    if (name == QLatin1String("open"))
        return InstanceRequest::Action::Open;
    if (name == QLatin1String("tray"))
        return InstanceRequest::Action::Tray;
    return InstanceRequest::Action::Show;
}

} // namespace

SingleInstance::SingleInstance(const QString &storePath, QObject *parent)
    : QObject(parent)
{
    QString folder = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (folder.isEmpty())
        folder = QDir::tempPath();
    const QByteArray key
        = QCryptographicHash::hash(QFileInfo(storePath).absoluteFilePath().toUtf8(),
                                   QCryptographicHash::Sha1)
              .toHex()
              .left(12);
    m_basePath = QStringLiteral("%1/ferry-gui-%2-%3")
                     .arg(folder)
                     .arg(::getuid())
                     .arg(QString::fromLatin1(key));
}

SingleInstance::~SingleInstance() = default; // the server removes its socket, the lock its file

SingleInstance::Start SingleInstance::start()
{
    m_lock = std::make_unique<QLockFile>(m_basePath + QStringLiteral(".lock"));
    // Stale only when its process is gone, however old.
    m_lock->setStaleLockTime(0);
    if (!m_lock->tryLock(0)) {
        if (m_lock->error() == QLockFile::LockFailedError)
            return Start::Running;
        QTextStream(stderr) << QCoreApplication::translate(
                                   "CommandLine",
                                   "ferry-gui: cannot make %1, so a second ferry-gui is not "
                                   "kept from starting.")
                                   .arg(m_basePath + QStringLiteral(".lock"))
                            << '\n';
        return Start::Alone;
    }
    // A socket file left by a crash would keep listen() from working.
    const QString socket = m_basePath + QStringLiteral(".socket");
    QLocalServer::removeServer(socket);
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    connect(m_server, &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket *client = m_server->nextPendingConnection())
            serve(client);
    });
    if (!m_server->listen(socket)) {
        QTextStream(stderr) << QCoreApplication::translate(
                                   "CommandLine",
                                   "ferry-gui: cannot listen on %1 (%2): a second ferry-gui "
                                   "will wait for this one and give up.")
                                   .arg(socket, m_server->errorString())
                            << '\n';
    }
    return Start::First;
}

void SingleInstance::serve(QLocalSocket *socket)
{
    connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
    connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
        if (!socket->canReadLine())
            return;
        const QJsonObject in = QJsonDocument::fromJson(socket->readLine()).object();
        InstanceRequest request;
        request.action = actionFromName(in.value(QStringLiteral("action")).toString());
        request.configPath = in.value(QStringLiteral("config")).toString();
        InstanceReply reply;
        reply.pid = QCoreApplication::applicationPid();
        if (m_handler)
            reply = m_handler(request);
        socket->write(line({{QStringLiteral("pid"), reply.pid},
                            {QStringLiteral("opened"), reply.opened},
                            {QStringLiteral("config"), reply.configPath}}));
        // Written before the link closes.
        socket->disconnectFromServer();
    });
}

Result<InstanceReply> SingleInstance::handOver(const InstanceRequest &request, int timeoutMs) const
{
    const QDeadlineTimer deadline(timeoutMs);
    QLocalSocket socket;
    // The first may hold the lock and not listen yet.
    for (;;) {
        socket.connectToServer(m_basePath + QStringLiteral(".socket"));
        if (socket.waitForConnected(int(qMin<qint64>(1000, deadline.remainingTime()))))
            break;
        if (deadline.hasExpired()) {
            qint64 pid = 0;
            QString host, app;
            m_lock->getLockInfo(&pid, &host, &app);
            return Error(ErrorKind::Io,
                         QCoreApplication::translate("CommandLine",
                                                     "Ferry runs already (pid %1) but does not "
                                                     "answer; end that process, then start "
                                                     "ferry-gui again.")
                             .arg(pid));
        }
        QThread::msleep(100);
    }
    socket.write(line({{QStringLiteral("action"), actionName(request.action)},
                       {QStringLiteral("config"), request.configPath}}));
    while (!socket.canReadLine()) {
        if (deadline.hasExpired() || !socket.waitForReadyRead(int(deadline.remainingTime())))
            return Error(ErrorKind::Io,
                         QCoreApplication::translate("CommandLine",
                                                     "Ferry runs already but did not answer in "
                                                     "time; look for its window or tray icon."));
    }
    const QJsonObject in = QJsonDocument::fromJson(socket.readLine()).object();
    InstanceReply reply;
    reply.pid = in.value(QStringLiteral("pid")).toInteger();
    reply.opened = in.value(QStringLiteral("opened")).toBool();
    reply.configPath = in.value(QStringLiteral("config")).toString();
    return reply;
}

} // namespace ferry::gui
