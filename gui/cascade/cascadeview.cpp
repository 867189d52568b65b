#include "cascade/cascadeview.h"

#include "cascade/cascademodel.h"
#include "cascade/cascademonitor.h"
#include "cascade/nodedetailwidget.h"
#include "common/localstore.h"
#include "common/loginadvice.h"
#include "db/connectgate.h"

#include <QBoxLayout>
#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>

namespace ferry::gui {

namespace {

QString intervalKey()
{
    return QStringLiteral("View/refreshInterval");
}

constexpr int kMaxIntervalSeconds = 3600;
// The header's line is elided beyond this (its tooltip has all of it).
constexpr int kUpdatedMaxWidth = 460;

QString clockTime(const QDateTime &at)
{
    return QLocale().toString(at.time(), QStringLiteral("HH:mm:ss"));
}

// Why the login at this stored location (or the config's db) was refused, if it
// was: nothing is tried there until the user acts.
std::optional<QString> refusedLogin(const ConnectionString &where)
{
    const auto closed = ConnectGate::instance().closed(where);
    if (!closed || !closed->auth)
        return std::nullopt;
    return closed->error.toString();
}

} // namespace

CascadeView::CascadeView(QWidget *parent)
    : QWidget(parent)
    , m_monitor(new CascadeMonitor(this))
    , m_model(new CascadeModel(this))
{
    setObjectName(QStringLiteral("cascadeView"));

    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("cascadeTitle"));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_updated = new QLabel(this);
    m_updated->setObjectName(QStringLiteral("cascadeUpdated"));
    m_updated->setForegroundRole(QPalette::PlaceholderText);
    m_intervalLabel = new QLabel(this);
    m_interval = new QSpinBox(this);
    m_interval->setObjectName(QStringLiteral("refreshInterval"));
    m_interval->setRange(1, kMaxIntervalSeconds);
    m_intervalLabel->setBuddy(m_interval);
    m_refresh = new QToolButton(this);
    m_refresh->setObjectName(QStringLiteral("refreshNow"));
    m_refresh->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    m_refresh->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_refresh->setAutoRaise(true);

    auto *header = new QHBoxLayout;
    header->addWidget(m_title, 1);
    header->addWidget(m_updated);
    header->addSpacing(12);
    header->addWidget(m_intervalLabel);
    header->addWidget(m_interval);
    header->addWidget(m_refresh);

    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("cascadeError"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setAutoFillBackground(true);
    m_banner->setMargin(6);
    QPalette bannerPalette = m_banner->palette();
    bannerPalette.setColor(QPalette::Window, QColor(0xfd, 0xe2, 0xe1));
    bannerPalette.setColor(QPalette::WindowText, QColor(0x8a, 0x1c, 0x17));
    m_banner->setPalette(bannerPalette);
    m_banner->hide();
    m_retry = new QToolButton(this);
    m_retry->setObjectName(QStringLiteral("cascadeRetry"));
    m_retry->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    m_retry->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_retry->hide();
    auto *bannerRow = new QHBoxLayout;
    bannerRow->addWidget(m_banner, 1);
    bannerRow->addWidget(m_retry, 0, Qt::AlignVCenter);

    m_tree = new QTreeView(this);
    m_tree->setObjectName(QStringLiteral("cascadeTree"));
    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(true);
    m_tree->setAllColumnsShowFocus(true);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tree->setExpandsOnDoubleClick(false);
    for (int c = 0; c < CascadeModel::MessageColumn; ++c)
        m_tree->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(true);
    connect(m_model, &QAbstractItemModel::modelReset, m_tree, &QTreeView::expandAll);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &CascadeView::onCurrentChanged);

    m_detail = new NodeDetailWidget(this);
    m_detail->setCascadeModel(m_model);

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("cascadeSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_tree);
    m_splitter->addWidget(m_detail);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addLayout(bannerRow);
    layout->addWidget(m_splitter, 1);

    connect(m_monitor, &CascadeMonitor::statusRead, this, &CascadeView::onStatus);
    connect(m_monitor, &CascadeMonitor::detailRead, this, &CascadeView::onDetail);
    connect(m_refresh, &QToolButton::clicked, this, &CascadeView::refreshNow);
    connect(m_retry, &QToolButton::clicked, this, &CascadeView::refreshNow);
    m_interval->setValue(CascadeMonitor::kDefaultIntervalSeconds);
    m_monitor->setIntervalSeconds(m_interval->value());
    connect(m_interval, &QSpinBox::valueChanged, this, [this](int seconds) {
        m_monitor->setIntervalSeconds(seconds);
        if (m_store)
            m_store->setSetting(intervalKey(), seconds);
    });

    retranslateUi();
}

CascadeView::~CascadeView() = default;

void CascadeView::setStore(LocalStore *store)
{
    m_store = store;
    m_model->setStore(store); // the lag thresholds
    if (m_store)
        m_interval->setValue(
            m_store->setting(intervalKey(), CascadeMonitor::kDefaultIntervalSeconds).toInt());
}

void CascadeView::open(const JobConfig &config)
{
    close();
    ConnectGate::instance().retryAll(); // opening a config is the user acting
    m_monitor->open(config);
    m_tree->setFocus();
    updateHeader();
}

void CascadeView::close()
{
    m_monitor->close();
    m_model->clear();
    m_detail->clear();
    m_selected.clear();
    m_lastReply.reset();
    m_lastGoodAt = QDateTime();
    m_failingSince = QDateTime();
    m_statusShown = false;
    m_loadedSent = false;
    showError(QString());
    updateHeader();
}

bool CascadeView::isOpen() const
{
    return m_monitor->isOpen();
}

void CascadeView::refreshNow()
{
    m_monitor->retry();
}

int CascadeView::refreshInterval() const
{
    return m_interval->value();
}

void CascadeView::setRefreshInterval(int seconds)
{
    m_interval->setValue(seconds);
}

QString CascadeView::errorText() const
{
    return m_banner->isHidden() ? QString() : m_banner->text();
}

QString CascadeView::updatedText() const
{
    return m_updatedFull;
}

void CascadeView::showEvent(QShowEvent *event)
{
    if (!m_sized) {
        // A few nodes above, the larger share for the detail pane, once the first
        // layout gave the splitter its real size.
        m_sized = true;
        QTimer::singleShot(0, this, [this] {
            const int height = m_splitter->height();
            m_splitter->setSizes({height / 4, height - height / 4});
        });
    }
    QWidget::showEvent(event);
}

void CascadeView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void CascadeView::retranslateUi()
{
    m_intervalLabel->setText(tr("Refresh &every"));
    m_interval->setSuffix(tr(" s"));
    m_interval->setToolTip(tr("How often the status of every node is read"));
    m_refresh->setText(tr("Refresh now"));
    m_refresh->setToolTip(tr("Read the status of every node now"));
    m_retry->setText(tr("Refresh"));
    m_retry->setToolTip(tr("Log in again, once, with the password as it is now"));
    m_model->retranslate();
    updateHeader();
}

void CascadeView::onStatus(const StatusReply &reply)
{
    m_lastReply = reply;
    // Through the root the cascade is read, but not this node's own database.
    if (reply.ok && !reply.viaRoot) {
        m_lastGoodAt = reply.readAt;
        m_failingSince = QDateTime();
    } else if (!m_failingSince.isValid()) {
        m_failingSince = reply.readAt;
    }
    if (reply.ok) {
        CascadeStatus status = reply.status;
        LoginAdvice::explain(status);
        m_model->setStatus(status);
    } else {
        // No old numbers: the nodes seen last stay in the tree, as not answering.
        CascadeStatus unknown = m_model->status();
        for (NodeStatus &n : unknown.nodes) {
            n.reachable = false;
            n.error.clear();
            n.warnings.clear();
            n.tick.reset();
            n.lagSeconds.reset();
            n.tablesOk = n.tablesCopying = n.tablesError = 0;
            // Where the login was refused, the node says what to do about it.
            const auto where = n.name == unknown.localNode
                                   ? Result<ConnectionString>(m_monitor->config().db())
                                   : ConnectionString::parse(n.location);
            const auto refused = where ? refusedLogin(*where) : std::nullopt;
            n.authFailed = refused.has_value();
            if (refused)
                n.error = QStringLiteral("unreachable: ") + LoginAdvice::refused(*refused);
        }
        m_model->setStatus(unknown);
    }
    m_statusShown = true;
    if (m_selected.isEmpty() && reply.ok)
        m_selected = reply.status.localNode; // start with the config's own node
    selectNode(m_selected);
    updateHeader();
    // Without a node to read the detail of, the first status is all there is to show.
    if (!m_loadedSent && m_monitor->selectedNode().isEmpty()) {
        m_loadedSent = true;
        emit loaded();
    }
}

void CascadeView::onDetail(const NodeDetail &detail)
{
    m_detail->showDetail(detail);
    if (m_statusShown && !m_loadedSent) {
        m_loadedSent = true;
        emit loaded();
    }
}

Result<ConnectionString> CascadeView::nodeConnection(const NodeStatus &node) const
{
    if (node.name == m_model->status().localNode)
        return m_monitor->config().db();
    return memberLocation(node.location);
}

void CascadeView::selectNode(const QString &name)
{
    const QModelIndex index = m_model->indexOfNode(name);
    if (!index.isValid()) {
        // Gone from the cascade (or nothing chosen yet): reselected if it comes back.
        m_detail->clear();
        m_monitor->setSelectedNode(QString());
        return;
    }
    if (m_tree->currentIndex().siblingAtColumn(0) != index) {
        m_tree->setCurrentIndex(index); // onCurrentChanged does the rest
        return;
    }
    // Same node, newer status: its header follows.
    const QString local = m_model->status().localNode;
    m_detail->showNode(*m_model->node(index), name == local, local);
}

void CascadeView::onCurrentChanged()
{
    const NodeStatus *node = m_model->node(m_tree->currentIndex());
    if (!node) {
        // A model reset clears the current row; selectNode() puts it back.
        return;
    }
    m_selected = node->name;
    const QString local = m_model->status().localNode;
    m_detail->showNode(*node, node->name == local, local);
    m_monitor->setSelectedNode(node->name);
}

void CascadeView::showError(const QString &text)
{
    m_banner->setText(text);
    m_banner->setVisible(!text.isEmpty());
}

void CascadeView::updateHeader()
{
    if (!m_monitor->isOpen()) {
        m_title->clear();
        setUpdated(QString());
        m_retry->hide();
        return;
    }
    const JobConfig &config = m_monitor->config();
    const QString node = m_model->status().localNode;
    m_title->setText(node.isEmpty() ? tr("Queue %1").arg(config.queueName())
                                    : tr("Queue %1, node %2").arg(config.queueName(), node));
    m_title->setToolTip(config.path());
    if (!m_lastReply) {
        setUpdated(tr("Reading the status…"));
        showError(QString());
        return;
    }
    const StatusReply &reply = *m_lastReply;
    if (reply.ok && !reply.viaRoot) {
        setUpdated(tr("Updated %1").arg(clockTime(m_lastGoodAt)));
    } else if (reply.ok) {
        setUpdated(tr("Updated %1 through the root — this node's database failing since %2")
                       .arg(clockTime(reply.readAt), clockTime(m_failingSince)));
    } else {
        const QString why
            = reply.authFailed ? LoginAdvice::failed() : LoginAdvice::reason(reply.error);
        setUpdated(
            m_lastGoodAt.isValid()
                ? tr("Last read %1 — failing since %2: %3")
                      .arg(clockTime(m_lastGoodAt), clockTime(m_failingSince), why)
                : tr("Not read yet — failing since %1: %2").arg(clockTime(m_failingSince), why));
    }

    QStringList refusedNodes;
    if (reply.ok) {
        for (const NodeStatus &n : reply.status.nodes) {
            if (n.authFailed)
                refusedNodes << n.name;
        }
    }
    if (!reply.ok && reply.authFailed)
        showError(tr("The login was refused: %1. %2").arg(reply.error, LoginAdvice::howToFix()));
    else if (!reply.ok)
        showError(tr("Cannot read the status of the cascade: %1").arg(reply.error));
    else if (reply.viaRoot && reply.authFailed)
        showError(tr("This node's database refused the login, so the cascade is shown as the root "
                     "sees it: %1. %2")
                      .arg(reply.error, LoginAdvice::howToFix()));
    else if (reply.viaRoot)
        showError(tr("This node's database does not answer, so the cascade is shown as the root "
                     "sees it: %1")
                      .arg(reply.error));
    else if (!refusedNodes.isEmpty())
        showError(tr("The login to %1 was refused. %2")
                      .arg(refusedNodes.join(QStringLiteral(", ")), LoginAdvice::howToFix()));
    else
        showError(QString());
    m_retry->setVisible(reply.authFailed || !refusedNodes.isEmpty());
}

void CascadeView::setUpdated(const QString &text)
{
    m_updatedFull = text;
    m_updated->setText(m_updated->fontMetrics().elidedText(text, Qt::ElideRight, kUpdatedMaxWidth));
    m_updated->setToolTip(text == m_updated->text() ? QString() : text);
}

} // namespace ferry::gui
