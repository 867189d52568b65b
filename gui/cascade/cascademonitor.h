#pragma once

#include "cascade/cascadereader.h"

#include <QObject>
#include <QTimer>

namespace ferry::gui {

// Keeps the status of one config's cascade and one selected node fresh without ever
// touching a database on the UI thread: every read runs on a QtConcurrent worker
// (readStatus, readNodeDetail) and comes back through a QFutureWatcher owned by this
// object, so answers that arrive after it is gone are dropped with the watcher.
//
// Each request carries a token; opening another config or closing this one changes
// the generation, and answers of an older one are dropped. A refresh is never started
// while one is in flight (a slow or hanging database delays the next one instead of
// piling up threads); a detail request made while one runs is made once it ends. The
// selected node's detail is read after every status and, while a status read is slow,
// at every interval on its own.
//
// The reads connect through the process's ConnectGate, shared with the Errors page,
// the tray and the worker control: after a refused login a location is not tried
// again until retry() (the user pressed Refresh or opened a config); after another
// connection failure the next try there waits 2 s, 4 s, ... up to 60 s. Meanwhile
// every interval still answers, at once, with the error that closed it.
class CascadeMonitor : public QObject
{
    Q_OBJECT

public:
    static constexpr int kDefaultIntervalSeconds = 2;

    explicit CascadeMonitor(QObject *parent = nullptr);
    ~CascadeMonitor() override;

    // Starts watching `config`'s cascade: a first refresh now, then every interval.
    void open(const JobConfig &config);
    void close();
    bool isOpen() const { return m_open; }
    const JobConfig &config() const { return m_config; }

    int intervalSeconds() const { return m_intervalSeconds; }
    void setIntervalSeconds(int seconds);

    // Reads the status now, unless a read is already running (then only the detail).
    void refresh();
    // The user asked: every location closed by a refused login or a back-off gets one
    // more attempt (ConnectGate::retryAll), and the status is read now.
    void retry();
    bool isRefreshing() const { return m_statusInFlight; }

    // The node whose tables (and, for the config's own node, log) are read along with
    // every refresh; reads them now. An empty name stops that.
    void setSelectedNode(const QString &name);
    QString selectedNode() const { return m_selected; }

signals:
    void refreshStarted();
    void statusRead(const ferry::gui::StatusReply &reply);
    void detailRead(const ferry::gui::NodeDetail &detail);

private:
    void startDetail();
    void onStatus(const StatusReply &reply);
    void onDetail(const NodeDetail &detail);

    JobConfig m_config;
    bool m_open = false;
    quint64 m_generation = 0;
    int m_intervalSeconds = kDefaultIntervalSeconds;
    QTimer m_timer;

    bool m_statusInFlight = false;
    bool m_detailInFlight = false;
    bool m_detailWanted = false; // asked for while one was in flight

    QString m_selected;
    // From the last status read.
    QString m_localNode;
    QString m_rootLocation;
    QHash<QString, QString> m_locations;
};

} // namespace ferry::gui
