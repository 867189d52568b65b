#include "cascade/cascademonitor.h"

#include "common/asynctask.h"
#include "db/connectgate.h"

namespace ferry::gui {

CascadeMonitor::CascadeMonitor(QObject *parent)
    : QObject(parent)
{
    connect(&m_timer, &QTimer::timeout, this, &CascadeMonitor::refresh);
}

CascadeMonitor::~CascadeMonitor() = default;

void CascadeMonitor::open(const JobConfig &config)
{
    close();
    m_config = config;
    m_open = true;
    m_timer.start(m_intervalSeconds * 1000);
    refresh();
}

void CascadeMonitor::close()
{
    ++m_generation; // answers still on their way are dropped
    m_open = false;
    m_timer.stop();
    m_statusInFlight = false;
    m_detailInFlight = false;
    m_detailWanted = false;
    m_selected.clear();
    m_localNode.clear();
    m_rootLocation.clear();
    m_locations.clear();
    m_config = JobConfig();
}

void CascadeMonitor::setIntervalSeconds(int seconds)
{
    m_intervalSeconds = qMax(1, seconds);
    if (m_timer.isActive())
        m_timer.start(m_intervalSeconds * 1000);
}

void CascadeMonitor::refresh()
{
    if (!m_open)
        return;
    if (m_statusInFlight) {
        // A slow member holds the status up: the selected node's tables (a copy's
        // progress) still follow the interval.
        startDetail();
        return;
    }
    m_statusInFlight = true;
    StatusRequest request;
    request.token = m_generation;
    request.config = m_config;
    request.rootLocation = m_rootLocation;
    request.localNode = m_localNode;
    emit refreshStarted();
    runAsync<StatusReply>(
        this, [request] { return readStatus(request); },
        [this](const StatusReply &reply) { onStatus(reply); });
}

void CascadeMonitor::retry()
{
    ConnectGate::instance().retryAll();
    refresh();
}

void CascadeMonitor::onStatus(const StatusReply &reply)
{
    if (reply.token != m_generation)
        return;
    m_statusInFlight = false;
    if (reply.ok) {
        if (!reply.viaRoot)
            m_localNode = reply.status.localNode;
        m_locations.clear();
        for (const NodeStatus &n : reply.status.nodes) {
            m_locations.insert(n.name, n.location);
            if (n.type == NodeType::Root)
                m_rootLocation = n.location;
        }
    }
    emit statusRead(reply);
    startDetail(); // the detail pane refreshes with the status
}

void CascadeMonitor::setSelectedNode(const QString &name)
{
    m_selected = name;
    if (!name.isEmpty())
        startDetail();
}

void CascadeMonitor::startDetail()
{
    if (!m_open || m_selected.isEmpty())
        return;
    if (m_detailInFlight) {
        m_detailWanted = true;
        return;
    }
    m_detailInFlight = true;
    m_detailWanted = false;
    DetailRequest request;
    request.token = m_generation;
    request.config = m_config;
    request.node = m_selected;
    request.location = m_locations.value(m_selected);
    request.local = !m_localNode.isEmpty() && m_selected == m_localNode;
    runAsync<NodeDetail>(
        this, [request] { return readNodeDetail(request); },
        [this](const NodeDetail &detail) { onDetail(detail); });
}

void CascadeMonitor::onDetail(const NodeDetail &detail)
{
    if (detail.token != m_generation)
        return;
    m_detailInFlight = false;
    if (detail.node == m_selected)
        emit detailRead(detail);
    if (m_detailWanted)
        startDetail();
}

} // namespace ferry::gui
