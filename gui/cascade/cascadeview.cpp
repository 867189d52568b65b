#include "cascade/cascadeview.h"

#include "cascade/cascademodel.h"
#include "cascade/cascademonitor.h"
#include "cascade/nodedetailwidget.h"
#include "common/localstore.h"

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
    layout->addWidget(m_banner);
    layout->addWidget(m_splitter, 1);

    connect(m_monitor, &CascadeMonitor::statusRead, this, &CascadeView::onStatus);
    connect(m_monitor, &CascadeMonitor::detailRead, this, &CascadeView::onDetail);
    connect(m_refresh, &QToolButton::clicked, this, &CascadeView::refreshNow);
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
    m_monitor->refresh();
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
    m_model->retranslate();
    updateHeader();
}

void CascadeView::onStatus(const StatusReply &reply)
{
    m_lastReply = reply;
    if (reply.ok) {
        m_model->setStatus(reply.status);
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
        m_updated->clear();
        return;
    }
    const JobConfig &config = m_monitor->config();
    const QString node = m_model->status().localNode;
    m_title->setText(node.isEmpty() ? tr("Queue %1").arg(config.queueName())
                                    : tr("Queue %1, node %2").arg(config.queueName(), node));
    m_title->setToolTip(config.path());
    if (!m_lastReply) {
        m_updated->setText(tr("Reading the status…"));
        showError(QString());
        return;
    }
    m_updated->setText(
        tr("Updated %1")
            .arg(QLocale().toString(m_lastReply->readAt.time(), QStringLiteral("HH:mm:ss"))));
    if (!m_lastReply->ok)
        showError(tr("Cannot read the status of the cascade: %1").arg(m_lastReply->error));
    else if (m_lastReply->viaRoot)
        showError(tr("This node's database does not answer, so the cascade is shown as the root "
                     "sees it: %1")
                      .arg(m_lastReply->error));
    else
        showError(QString());
}

} // namespace ferry::gui
