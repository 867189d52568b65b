#include "cascade/nodedetailwidget.h"

#include "cascade/cascademodel.h"
#include "cascade/copyprogressdelegate.h"
#include "cascade/nodestate.h"
#include "lag/lagtext.h"
#include "lag/lagthreshold.h"
#include "lag/thresholdspinbox.h"

#include <QBoxLayout>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QTimer>
#include <QTreeWidget>

namespace ferry::gui {

namespace {

enum TableColumn {
    TableNameColumn,
    TableStateColumn,
    TableRowsColumn,
    TableRowsKeptColumn,
    TableErrorColumn
};

QLabel *makeLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QLabel *makeHeading(const QString &objectName, QWidget *parent)
{
    QLabel *label = makeLabel(objectName, parent);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

// A copy is one attempt of one table: the worker's session copies it again after a failure.
QString copyKey(const TableRow &t)
{
    return t.name + QLatin1Char('#') + QString::number(t.copy->backendPid);
}

QString locationName(const QString &location)
{
    auto where = ConnectionString::parse(location);
    return where ? where->displayName() : ConnectionString::maskText(location);
}

} // namespace

NodeDetailWidget::NodeDetailWidget(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("nodeDetail"));

    m_placeholder = makeLabel(QStringLiteral("nodeDetailPlaceholder"), this);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setForegroundRole(QPalette::PlaceholderText);

    auto *content = new QWidget(this);
    m_title = makeHeading(QStringLiteral("nodeDetailTitle"), content);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    m_title->setFont(titleFont);
    m_summary = makeLabel(QStringLiteral("nodeDetailSummary"), content);
    m_summary->setWordWrap(true);

    // The node's lag threshold: editing the value gives the node its own, "Use Default"
    // takes it back.
    m_thresholdRow = new QWidget(content);
    m_thresholdLabel = new QLabel(m_thresholdRow);
    m_thresholdSpin = createThresholdSpinBox(QStringLiteral("nodeLagThreshold"), m_thresholdRow);
    m_thresholdLabel->setBuddy(m_thresholdSpin);
    m_thresholdNote = makeLabel(QStringLiteral("nodeLagThresholdNote"), m_thresholdRow);
    m_thresholdNote->setForegroundRole(QPalette::PlaceholderText);
    m_thresholdDefault = new QPushButton(m_thresholdRow);
    m_thresholdDefault->setObjectName(QStringLiteral("nodeLagThresholdDefault"));
    auto *thresholdLayout = new QHBoxLayout(m_thresholdRow);
    thresholdLayout->setContentsMargins(0, 0, 0, 0);
    thresholdLayout->addWidget(m_thresholdLabel);
    thresholdLayout->addWidget(m_thresholdSpin);
    thresholdLayout->addWidget(m_thresholdNote);
    thresholdLayout->addWidget(m_thresholdDefault);
    thresholdLayout->addStretch(1);
    m_thresholdRow->hide();
    connect(m_thresholdSpin, &QDoubleSpinBox::valueChanged, this,
            &NodeDetailWidget::setOwnThreshold);
    connect(m_thresholdDefault, &QPushButton::clicked, this,
            &NodeDetailWidget::useDefaultThreshold);

    auto *tablesPane = new QWidget(content);
    m_tablesTitle = makeHeading(QStringLiteral("nodeTablesTitle"), tablesPane);
    m_tablesNote = makeLabel(QStringLiteral("nodeTablesNote"), tablesPane);
    m_tablesNote->setWordWrap(true);
    m_tablesNote->hide();
    m_tables = new QTreeWidget(tablesPane);
    m_tables->setObjectName(QStringLiteral("nodeTables"));
    m_tables->setRootIsDecorated(false);
    m_tables->setUniformRowHeights(true);
    m_tables->setAlternatingRowColors(true);
    // Tables are chosen for Remove and Resync (the window's actions, the context menu).
    m_tables->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tables->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tables->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_tables, &QTreeWidget::itemSelectionChanged, this, [this] {
        if (m_rendering) // the rows are remade: the selection is put back after
            return;
        m_selectedTables = selectedInList();
        emit tableSelectionChanged();
    });
    m_tables->setColumnCount(5);
    m_tables->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tables->header()->setStretchLastSection(true);
    m_tables->setItemDelegateForColumn(TableStateColumn, new CopyProgressDelegate(m_tables));
    auto *tablesLayout = new QVBoxLayout(tablesPane);
    tablesLayout->setContentsMargins(0, 0, 0, 0);
    tablesLayout->addWidget(m_tablesTitle);
    tablesLayout->addWidget(m_tablesNote);
    tablesLayout->addWidget(m_tables, 1);

    auto *logPane = new QWidget(content);
    m_logTitle = makeHeading(QStringLiteral("nodeLogTitle"), logPane);
    m_logTitle->setWordWrap(true);
    m_log = new QPlainTextEdit(logPane);
    m_log->setObjectName(QStringLiteral("nodeLog"));
    m_log->setReadOnly(true);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    // Whether the pane follows the end of the log is the user's choice: wheel,
    // keys and the scroll bar all act through it (judged once the action moved
    // it). QPlainTextEdit lays wrapped lines out lazily and moves the bar
    // itself meanwhile, so value changes alone cannot tell.
    QScrollBar *logBar = m_log->verticalScrollBar();
    connect(logBar, &QAbstractSlider::actionTriggered, this, [this, logBar] {
        QTimer::singleShot(0, this,
                           [this, logBar] { m_followLog = logBar->value() >= logBar->maximum(); });
    });
    connect(logBar, &QScrollBar::rangeChanged, this, [this, logBar](int, int maximum) {
        if (m_followLog)
            logBar->setValue(maximum);
    });
    auto *logLayout = new QVBoxLayout(logPane);
    logLayout->setContentsMargins(0, 0, 0, 0);
    logLayout->addWidget(m_logTitle);
    logLayout->addWidget(m_log, 1);

    m_splitter = new QSplitter(Qt::Horizontal, content);
    m_splitter->setObjectName(QStringLiteral("nodeDetailSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(tablesPane);
    m_splitter->addWidget(logPane);

    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->addWidget(m_title);
    contentLayout->addWidget(m_summary);
    contentLayout->addWidget(m_thresholdRow);
    contentLayout->addSpacing(4);
    contentLayout->addWidget(m_splitter, 1);

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(m_placeholder);
    m_pages->addWidget(content);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_pages);

    retranslateUi();
}

void NodeDetailWidget::setCascadeModel(CascadeModel *model)
{
    if (m_model)
        disconnect(m_model->lagThreshold(), nullptr, this, nullptr);
    m_model = model;
    if (m_model)
        connect(m_model->lagThreshold(), &LagThreshold::changed, this, [this] { render(); });
    render();
}

void NodeDetailWidget::showEvent(QShowEvent *event)
{
    if (!m_sized) {
        // Log lines are long: the log gets the larger share, once the first layout
        // gave this widget its real width (the splitter's page may not be laid out yet).
        m_sized = true;
        QTimer::singleShot(0, this, [this] {
            const int width = this->width();
            m_splitter->setSizes({width * 2 / 5, width - width * 2 / 5});
        });
    }
    QWidget::showEvent(event);
}

void NodeDetailWidget::clear()
{
    m_selectedTables.clear();
    m_node.reset();
    m_detail.reset();
    m_copyRates.clear();
    m_local = false;
    render();
}

void NodeDetailWidget::showNode(const NodeStatus &status, bool local, const QString &localNode)
{
    if (!m_node || m_node->name != status.name) {
        m_detail.reset(); // another node: its tables are still being read
        m_copyRates.clear();
        m_selectedTables.clear();
    }
    m_node = status;
    m_local = local;
    m_localNode = localNode;
    render();
}

void NodeDetailWidget::showDetail(const NodeDetail &detail)
{
    if (!m_node || detail.node != m_node->name)
        return;
    m_detail = detail;
    QSet<QString> running;
    for (const TableRow &t : detail.tables) {
        if (t.copy) {
            m_copyRates.addSample(copyKey(t), t.copy->rows, t.copy->sampledMs);
            running.insert(copyKey(t));
        }
    }
    m_copyRates.keepOnly(running);
    render();
}

void NodeDetailWidget::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void NodeDetailWidget::retranslateUi()
{
    m_placeholder->setText(tr("Select a node in the cascade to see its tables and its "
                              "worker's log."));
    m_tables->setHeaderLabels(
        {tr("Table"), tr("State"), tr("Copied rows"), tr("Rows kept"), tr("Error")});
    m_thresholdLabel->setText(tr("Alert when the &lag is over"));
    m_thresholdSpin->setSuffix(tr(" s"));
    m_thresholdSpin->setToolTip(tr("Over this lag the node shows a warning, its line in the lag "
                                   "chart crosses its threshold and the tray notifies"));
    m_thresholdDefault->setText(tr("Use &Default"));
    render();
}

void NodeDetailWidget::render()
{
    if (!m_node) {
        m_pages->setCurrentIndex(0);
        return;
    }
    m_pages->setCurrentIndex(1);
    const NodeStatus &n = *m_node;
    m_title->setText(tr("%1 (%2 node)").arg(n.name, NodeStateText::typeName(n.type)));

    QStringList summary;
    summary.append(tr("Location: %1").arg(locationName(n.location)));
    if (!n.providerNode.isEmpty() && n.type != NodeType::Root)
        summary.append(tr("Provider: %1").arg(n.providerNode));
    if (m_detail && m_detail->info) {
        const NodeInfo &info = *m_detail->info;
        if (!info.workerSeenAt.isValid())
            summary.append(tr("Worker: never run"));
        else if (info.workerPid == 0)
            summary.append(tr("Worker: stopped, last seen %1")
                               .arg(QLocale().toString(info.workerSeenAt.toLocalTime(),
                                                       QLocale::ShortFormat)));
        else
            summary.append(tr("Worker: pid %1, last seen %2")
                               .arg(info.workerPid)
                               .arg(QLocale().toString(info.workerSeenAt.toLocalTime().time(),
                                                       QStringLiteral("HH:mm:ss"))));
        if (info.paused)
            summary.append(tr("Paused"));
    }
    if (n.reachable && n.lagSeconds && m_model) {
        const double threshold = m_model->lagThreshold()->secondsFor(m_model->scope(), n.name);
        summary.append(*n.lagSeconds > threshold
                           ? tr("Lag: %1, over the %2 threshold")
                                 .arg(LagText::seconds(*n.lagSeconds), LagText::seconds(threshold))
                           : tr("Lag: %1").arg(LagText::seconds(*n.lagSeconds)));
    }
    m_summary->setText(summary.join(QStringLiteral("   ·   ")));
    m_summary->setToolTip([&n] {
        auto where = ConnectionString::parse(n.location);
        return where ? where->masked() : ConnectionString::maskText(n.location);
    }());

    renderThreshold();
    renderTables();
    renderLog();
}

void NodeDetailWidget::renderThreshold()
{
    const QString scope = m_model ? m_model->scope() : QString();
    m_thresholdRow->setHidden(!m_node || scope.isEmpty());
    if (m_thresholdRow->isHidden())
        return;
    const LagThreshold *thresholds = m_model->lagThreshold();
    const std::optional<double> own = thresholds->ownOf(scope, m_node->name);
    {
        const QSignalBlocker blocker(m_thresholdSpin);
        m_thresholdSpin->setValue(own.value_or(thresholds->defaultSeconds()));
    }
    m_thresholdNote->setText(own ? tr("this node's own") : tr("the default"));
    m_thresholdDefault->setEnabled(own.has_value());
    m_thresholdDefault->setToolTip(tr("Follow the default threshold (%1) again, set in the Lag tab")
                                       .arg(LagText::seconds(thresholds->defaultSeconds())));
}

void NodeDetailWidget::setOwnThreshold(double seconds)
{
    if (m_model && m_node)
        m_model->lagThreshold()->setOwn(m_model->scope(), m_node->name, seconds);
}

void NodeDetailWidget::useDefaultThreshold()
{
    if (m_model && m_node)
        m_model->lagThreshold()->clearOwn(m_model->scope(), m_node->name);
}

QStringList NodeDetailWidget::selectedInList() const
{
    QStringList names;
    for (int i = 0; i < m_tables->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = m_tables->topLevelItem(i);
        if (item->isSelected())
            names << item->data(TableNameColumn, Qt::UserRole).toString();
    }
    return names;
}

QString NodeDetailWidget::destinationOf(const QString &table) const
{
    if (m_detail) {
        for (const TableRow &t : m_detail->tables) {
            if (t.name == table)
                return t.destination.isEmpty() ? t.name : t.destination;
        }
    }
    return table;
}

void NodeDetailWidget::renderTables()
{
    // Every read remakes the rows: the tables chosen stay chosen while they exist.
    m_rendering = true;
    renderTableRows();
    for (int i = 0; i < m_tables->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_tables->topLevelItem(i);
        if (m_selectedTables.contains(item->data(TableNameColumn, Qt::UserRole).toString()))
            item->setSelected(true);
    }
    m_rendering = false;
    if (const QStringList now = selectedInList(); now != m_selectedTables) {
        m_selectedTables = now;
        emit tableSelectionChanged();
    }
}

void NodeDetailWidget::renderTableRows()
{
    m_tables->clear();
    m_tablesNote->hide();
    if (!m_detail) {
        m_tablesTitle->setText(tr("Tables"));
        m_tablesNote->setText(tr("Reading the tables…"));
        m_tablesNote->show();
        return;
    }
    if (!m_detail->ok) {
        m_tablesTitle->setText(tr("Tables"));
        m_tablesNote->setText(tr("Cannot read the tables: %1").arg(m_detail->error));
        m_tablesNote->show();
        return;
    }
    m_tablesTitle->setText(tr("Tables (%n)", nullptr, int(m_detail->tables.size())));
    if (m_detail->tables.isEmpty()) {
        m_tablesNote->setText(m_node->type == NodeType::Root
                                  ? tr("The root captures no table yet (ferry add-table).")
                                  : tr("This node subscribes no table yet (ferry add-table)."));
        m_tablesNote->show();
    }
    const QLocale locale;
    bool anyError = false;
    bool anyKept = false;
    for (const TableRow &t : m_detail->tables) {
        auto *item = new QTreeWidgetItem(m_tables);
        item->setText(TableNameColumn,
                      t.destination.isEmpty() ? t.name : tr("%1 → %2").arg(t.name, t.destination));
        item->setData(TableNameColumn, Qt::UserRole, t.name);
        NodeState state = t.mergeState == QLatin1String("ok") ? NodeState::Ok : NodeState::Warning;
        if (!t.lastError.isEmpty())
            state = NodeState::Error;
        // A table with an error is never shown ok: its changes wait (R1).
        item->setText(TableStateColumn, state == NodeState::Error
                                            ? NodeStateText::stateName(state)
                                            : NodeStateText::mergeStateName(t.mergeState));
        item->setData(TableStateColumn, Qt::UserRole, t.mergeState);
        if (t.copy) {
            // The copy runs (again, after an error shown beside it): a bar with the time
            // left, the rows so far beside it.
            const CopySample &c = *t.copy;
            const auto rate = m_copyRates.rate(copyKey(t));
            const QString summary = CopyRateTracker::summary(c.rows, c.total, rate);
            item->setText(TableStateColumn, CopyRateTracker::barText(c.rows, c.total, rate));
            item->setData(TableStateColumn, CopyProgressDelegate::PercentRole,
                          CopyRateTracker::percent(c.rows, c.total));
            item->setToolTip(TableStateColumn, summary);
            item->setText(TableRowsColumn, CopyRateTracker::rowsText(c.rows, c.total));
            item->setData(TableRowsColumn, Qt::UserRole, c.rows);
            item->setToolTip(TableRowsColumn, summary);
        } else {
            item->setIcon(TableStateColumn, nodeStateIcon(state));
            if (t.copiedRows >= 0) {
                item->setText(TableRowsColumn, locale.toString(t.copiedRows));
                item->setData(TableRowsColumn, Qt::UserRole, t.copiedRows);
            }
        }
        item->setTextAlignment(TableRowsColumn, Qt::AlignRight | Qt::AlignVCenter);
        // What a leaf keeps of the source: the rows its condition matches,
        // the columns it names.
        QStringList kept;
        if (!t.condition.isEmpty())
            kept.append(tr("where %1").arg(t.condition.simplified()));
        if (!t.columns.isEmpty())
            kept.append(tr("columns %1").arg(t.columns.join(QStringLiteral(", "))));
        item->setText(TableRowsKeptColumn, kept.join(QStringLiteral("; ")));
        item->setToolTip(TableRowsKeptColumn,
                         kept.isEmpty() ? QString()
                                        : tr("This node keeps only these rows and columns of "
                                             "the source, in the copy and in every later "
                                             "change: %1")
                                              .arg(kept.join(QStringLiteral("; "))));
        anyKept = anyKept || !kept.isEmpty();
        item->setText(TableErrorColumn, t.lastError);
        item->setToolTip(TableErrorColumn, t.lastError);
        anyError = anyError || !t.lastError.isEmpty();
    }
    // An empty error column would only push the others out of a narrow pane.
    m_tables->setColumnHidden(TableErrorColumn, !anyError);
    m_tables->setColumnHidden(TableRowsKeptColumn, !anyKept);
}

void NodeDetailWidget::renderLog()
{
    QScrollBar *bar = m_log->verticalScrollBar();
    const int kept = bar->value();
    const std::optional<LogTail> log = m_detail ? m_detail->log : std::nullopt;
    QString placeholder;
    if (!m_local) {
        m_logTitle->setText(tr("Worker log"));
        placeholder = m_localNode.isEmpty()
                          ? tr("The worker's log is shown for the open config's node only.")
                          : tr("The worker's log is shown for the open config's node (%1) only.")
                                .arg(m_localNode);
    } else if (!log) {
        m_logTitle->setText(tr("Worker log"));
        placeholder = tr("Reading the log…");
    } else if (log->noConfig) {
        m_logTitle->setText(tr("Worker log"));
        placeholder = tr("No worker log is known for a connection profile: open the job's "
                         "CONFIG.ini (File > Open Config…) to see its worker's log.");
    } else if (log->path.isEmpty()) {
        m_logTitle->setText(tr("Worker log"));
        placeholder = tr("The config sets no logfile: the worker writes its log to the "
                         "terminal it runs in.");
    } else {
        m_logTitle->setText(tr("Worker log: %1").arg(log->path));
        if (!log->exists)
            placeholder = tr("No log yet: the worker has not written %1.").arg(log->path);
        else if (!log->error.isEmpty())
            placeholder = tr("Cannot read the log: %1").arg(log->error);
        else if (log->lines.isEmpty())
            placeholder = tr("The log is empty.");
    }
    const QString text
        = log && placeholder.isEmpty() ? log->lines.join(QLatin1Char('\n')) : QString();
    m_log->setPlaceholderText(placeholder);
    if (m_log->toPlainText() != text) {
        m_log->setPlainText(text); // scrolls to the top
        bar->setValue(m_followLog ? bar->maximum() : kept);
    }
}

} // namespace ferry::gui
