#include "compare/compareview.h"

#include "common/asynctask.h"
#include "common/dialoggeometry.h"
#include "common/messagebox.h"
#include "compare/comparedifferences.h"
#include "compare/comparerelay.h"
#include "compare/comparetablepicker.h"
#include "db/connectgate.h"

#include <QBoxLayout>
#include <QEvent>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QTreeWidget>

#include <thread>

namespace ferry::gui {

namespace {

constexpr int kKeyRole = Qt::UserRole + 1; // CompareTable::key

Result<void> writeFile(const QString &path, const QString &text)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error(ErrorKind::Io, QStringLiteral("%1: %2").arg(path, file.errorString()));
    file.write(text.toUtf8());
    if (!file.commit())
        return Error(ErrorKind::Io, QStringLiteral("%1: %2").arg(path, file.errorString()));
    return {};
}

} // namespace

CompareView::CompareView(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("compareView"));
    m_pool.setMaxThreadCount(1);

    m_picker = new CompareTablePicker(this);
    connect(m_picker, &CompareTablePicker::checkedChanged, this, &CompareView::updateButtons);

    m_compare = new QPushButton(this);
    m_compare->setObjectName(QStringLiteral("compareRun"));
    connect(m_compare, &QPushButton::clicked, this, &CompareView::startCompare);
    m_cancel = new QPushButton(this);
    m_cancel->setObjectName(QStringLiteral("compareCancel"));
    connect(m_cancel, &QPushButton::clicked, this, &CompareView::cancelCompare);
    m_repair = new QPushButton(this);
    m_repair->setObjectName(QStringLiteral("compareRepair"));
    connect(m_repair, &QPushButton::clicked, this, &CompareView::startRepair);
    m_export = new QPushButton(this);
    m_export->setObjectName(QStringLiteral("compareExport"));
    connect(m_export, &QPushButton::clicked, this, &CompareView::chooseExportFile);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_compare);
    buttons->addWidget(m_cancel);
    buttons->addSpacing(12);
    buttons->addWidget(m_repair);
    buttons->addWidget(m_export);
    buttons->addStretch(1);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("compareError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("QLabel { background: #fde7e9; color: #7a1020; "
                                          "border: 1px solid #e8a3ab; padding: 4px; }"));
    m_error->hide();
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("compareProgress"));
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(8);
    m_progressText = new QLabel(this);
    m_progressText->setObjectName(QStringLiteral("compareProgressText"));
    m_progressText->setWordWrap(true);
    m_progressText->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_results = new QTreeWidget(this);
    m_results->setObjectName(QStringLiteral("compareResults"));
    m_results->setRootIsDecorated(false);
    m_results->setUniformRowHeights(true);
    m_results->setAlternatingRowColors(true);
    m_results->setColumnCount(ColumnCount);
    m_results->header()->setStretchLastSection(false);
    connect(m_results, &QTreeWidget::currentItemChanged, this, [this] {
        renderDifferences();
        updateButtons();
    });
    m_differences = new CompareDifferences(this);

    auto *vertical = new QSplitter(Qt::Vertical, this);
    vertical->setObjectName(QStringLiteral("compareResultSplitter"));
    vertical->addWidget(m_results);
    vertical->addWidget(m_differences);
    vertical->setStretchFactor(0, 2);
    vertical->setStretchFactor(1, 3);
    vertical->setChildrenCollapsible(false);

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addLayout(buttons);
    rightLayout->addWidget(m_error);
    rightLayout->addWidget(m_progress);
    rightLayout->addWidget(m_progressText);
    rightLayout->addWidget(vertical, 1);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("compareSplitter"));
    m_splitter->addWidget(m_picker);
    m_splitter->addWidget(right);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_splitter);

    retranslateUi();
}

// A run still going is canceled; the pool then waits for it to end (its
// queries are canceled on the servers, so briefly; a repair finishes its
// transaction).
CompareView::~CompareView()
{
    if (m_relay)
        m_relay->disconnect(this);
    cancelCompare();
}

void CompareView::open(const JobConfig &config)
{
    close();
    m_open = true;
    m_picker->open(config);
    renderResults();
    updateButtons();
}

void CompareView::close()
{
    cancelCompare();
    ++m_run; // answers of a run still going are dropped
    m_open = false;
    m_running = false;
    m_repairing = false;
    if (m_relay)
        m_relay->disconnect(this);
    m_relay.reset();
    m_control.reset();
    if (m_repairDialog)
        m_repairDialog->reject();
    m_picker->close();
    m_rows.clear();
    m_rowsTarget = CompareTarget();
    m_rowsNode.clear();
    m_rowsProvider.clear();
    m_summary.clear();
    m_activity.clear();
    m_error->hide();
    renderResults();
    updateButtons();
}

void CompareView::setStatus(const StatusReply &reply)
{
    m_picker->setStatus(reply);
}

CompareOptions CompareView::options() const
{
    CompareOptions o;
    o.details = true; // the drill-down shows both sides' values
    o.sync.catchUpMs = m_picker->waitMs();
    return o;
}

void CompareView::startCompare()
{
    if (!m_open || m_running || m_repairing || !m_picker->canCompare())
        return;
    auto target = m_picker->target();
    if (!target) {
        showError(tr("Cannot compare: %1").arg(target.error().toString()));
        return;
    }
    ConnectGate::instance().retryAll(); // the user acted: a refused login is tried again

    m_rows.clear();
    QStringList keys;
    for (const CompareTable &t : m_picker->checkedTables()) {
        CompareRow row;
        row.table = t;
        m_rows.append(row);
        keys.append(t.key);
    }
    m_rowsTarget = *target;
    m_rowsNode = m_picker->nodeText();
    m_rowsProvider = m_picker->info().providerNode;
    m_summary.clear();
    m_activity.clear();
    m_error->hide();
    const quint64 run = ++m_run;
    m_running = true;
    m_cancelAsked = false;
    m_control = std::make_shared<CompareControl>();
    if (m_relay)
        m_relay->disconnect(this);
    m_relay = std::shared_ptr<CompareRelay>(new CompareRelay,
                                            [](CompareRelay *relay) { relay->deleteLater(); });
    connect(m_relay.get(), &CompareRelay::started, this,
            [this, run](const QString &key) { onStarted(run, key); });
    connect(m_relay.get(), &CompareRelay::phaseChanged, this,
            [this, run](const QString &key, int phase) { onPhase(run, key, phase); });
    connect(m_relay.get(), &CompareRelay::done, this,
            [this, run](const QString &key, const CompareTableOutcome &outcome) {
                onDone(run, key, outcome);
            });

    CompareRequest request;
    request.target = *target;
    request.keys = keys;
    request.options = options();
    runAsync<CompareRunEnd>(
        this,
        [request, control = m_control, relay = m_relay] {
            CompareCallbacks callbacks;
            callbacks.started = [&relay](const QString &key) {
                emit relay->started(key);
            };
            callbacks.phase = [&relay](const QString &key, ComparePhase phase) {
                emit relay->phaseChanged(key, int(phase));
            };
            callbacks.done = [&relay](const QString &key, const CompareTableOutcome &outcome) {
                emit relay->done(key, outcome);
            };
            return runCompare(request, *control, callbacks);
        },
        [this, run](const CompareRunEnd &end) { onRunEnd(run, end); }, &m_pool);
    renderResults();
    updateButtons();
}

void CompareView::cancelCompare()
{
    if (!m_running || !m_control || m_cancelAsked)
        return;
    m_cancelAsked = true;
    // PQcancel connects to the servers: never on the UI thread. The control
    // keeps the comparer alive until the cancel is sent.
    std::thread([control = m_control] { control->cancel(); }).detach();
    m_activity = tr("Canceling…");
    renderProgress();
    updateButtons();
}

int CompareView::rowIndex(const QString &key) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).table.key == key)
            return i;
    }
    return -1;
}

int CompareView::currentRow() const
{
    QTreeWidgetItem *item = m_results->currentItem();
    return item ? rowIndex(item->data(TableColumn, kKeyRole).toString()) : -1;
}

void CompareView::onStarted(quint64 run, const QString &key)
{
    const int i = rowIndex(key);
    if (run != m_run || i < 0)
        return;
    m_rows[i].state = CompareRow::State::Running;
    m_rows[i].phase = ComparePhase::WaitingForNode;
    renderRow(i);
    renderProgress();
}

void CompareView::onPhase(quint64 run, const QString &key, int phase)
{
    const int i = rowIndex(key);
    if (run != m_run || i < 0)
        return;
    m_rows[i].phase = ComparePhase(phase);
    renderRow(i);
    renderProgress();
}

void CompareView::onDone(quint64 run, const QString &key, const CompareTableOutcome &outcome)
{
    const int i = rowIndex(key);
    if (run != m_run || i < 0)
        return;
    CompareRow &row = m_rows[i];
    row.result = outcome.comparison;
    row.error = outcome.error;
    row.state = outcome.comparison ? CompareRow::State::Compared
                : outcome.notRun   ? CompareRow::State::NotRun
                                   : CompareRow::State::Failed;
    renderRow(i);
    // The first mismatch shows its rows at once, unless the user chose a table.
    if (row.mismatch() && !m_results->currentItem())
        m_results->setCurrentItem(m_results->topLevelItem(i));
    else if (currentRow() == i)
        renderDifferences();
    renderProgress();
    emit tableCompared(key);
}

void CompareView::onRunEnd(quint64 run, const CompareRunEnd &end)
{
    if (run != m_run)
        return;
    m_running = false;
    m_activity.clear();
    m_relay.reset();
    m_finishedAt = QDateTime::currentDateTime();
    if (!end.info.name.isEmpty()) {
        m_rowsNode = end.info.name;
        m_rowsProvider = end.info.providerNode;
    }
    if (!end.error.isEmpty()) {
        showError(tr("Cannot compare on %1: %2").arg(m_rowsNode, end.error));
        for (int i = 0; i < m_rows.size(); ++i) {
            if (m_rows.at(i).state == CompareRow::State::Waiting) {
                m_rows[i].state = CompareRow::State::NotRun;
                m_rows[i].error = tr("see the error above");
                renderRow(i);
            }
        }
    }
    int ok = 0;
    int mismatch = 0;
    int other = 0;
    for (const CompareRow &row : std::as_const(m_rows)) {
        if (row.mismatch())
            ++mismatch;
        else if (row.result && row.result->equal())
            ++ok;
        else
            ++other;
    }
    const QString time = QLocale().toString(m_finishedAt.time(), QLocale::ShortFormat);
    if (end.canceled)
        m_summary = tr("Canceled at %1: %2 of %n table(s) compared.", nullptr, int(m_rows.size()))
                        .arg(time)
                        .arg(ok + mismatch);
    else
        m_summary = tr("Node %1 compared with %2 at %3: %4 ok, %5 MISMATCH, %6 not compared.")
                        .arg(m_rowsNode, m_rowsProvider, time)
                        .arg(ok)
                        .arg(mismatch)
                        .arg(other);
    for (int c = 0; c < ColumnCount; ++c)
        m_results->resizeColumnToContents(c);
    renderProgress();
    updateButtons();
    emit compareFinished();
}

void CompareView::startRepair()
{
    const int i = currentRow();
    if (i < 0 || m_running || m_repairing || !m_rows.at(i).repairable())
        return;
    const QString key = m_rows.at(i).table.key;
    ConnectGate::instance().retryAll(); // the user acted
    m_repairing = true;
    m_error->hide();
    m_activity = tr("Reading what the repair of %1 would change (a dry run: nothing is "
                    "written)…")
                     .arg(CompareText::tableTitle(m_rows.at(i).table));
    const quint64 run = ++m_run;
    RepairRequest request;
    request.target = m_rowsTarget;
    request.key = key;
    request.dryRun = true;
    request.options = options();
    runAsync<RepairReply>(
        this, [request] { return runRepair(request); },
        [this, run, key](const RepairReply &reply) { onRepairPreview(run, key, reply); }, &m_pool);
    renderProgress();
    updateButtons();
}

void CompareView::setRowResult(int index, const TableComparison &result)
{
    CompareRow &row = m_rows[index];
    row.state = CompareRow::State::Compared;
    row.result = result;
    row.error.clear();
    renderRow(index);
    if (currentRow() == index)
        renderDifferences();
}

void CompareView::onRepairPreview(quint64 run, const QString &key, const RepairReply &reply)
{
    if (run != m_run)
        return;
    const int i = rowIndex(key);
    if (!reply.ok || i < 0) {
        const QString why = reply.ok ? tr("the table is gone from the results") : reply.error;
        endRepair(tr("Not repaired: %1").arg(why));
        showFailure(QStringLiteral("repairFailed"), tr("Cannot Repair"),
                    tr("Nothing was written to node %1.").arg(m_rowsNode), why);
        return;
    }
    setRowResult(i, reply.outcome.before); // as compared just now
    const QString title = CompareText::tableTitle(m_rows.at(i).table);
    if (!reply.outcome.before.compared()) {
        endRepair(tr("%1 was not repaired: %2").arg(title, reply.outcome.before.skipped));
        return;
    }
    if (reply.outcome.statements.isEmpty()) {
        endRepair(tr("Nothing to repair in %1: it matches its provider now.").arg(title));
        return;
    }
    m_activity = tr("Waiting for your answer: repair %1?").arg(title);
    renderProgress();
    auto *dialog = new RepairDialog(title, m_rowsNode, reply.outcome, this);
    keepDialogGeometry(dialog, m_store, QStringLiteral("repairPreview"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, run, key] { confirmRepair(run, key); });
    connect(dialog, &QDialog::rejected, this, [this, run, title] {
        if (run == m_run)
            endRepair(tr("The repair of %1 was canceled: nothing was written.").arg(title));
    });
    m_repairDialog = dialog;
    dialog->open();
    emit repairPreviewShown();
}

void CompareView::confirmRepair(quint64 run, const QString &key)
{
    const int i = rowIndex(key);
    if (run != m_run || i < 0)
        return;
    const quint64 next = ++m_run;
    m_activity = tr("Repairing %1…").arg(CompareText::tableTitle(m_rows.at(i).table));
    RepairRequest request;
    request.target = m_rowsTarget;
    request.key = key;
    request.dryRun = false;
    request.options = options();
    runAsync<RepairReply>(
        this, [request] { return runRepair(request); },
        [this, next, key](const RepairReply &reply) { onRepaired(next, key, reply); }, &m_pool);
    renderProgress();
}

void CompareView::onRepaired(quint64 run, const QString &key, const RepairReply &reply)
{
    if (run != m_run)
        return;
    const int i = rowIndex(key);
    if (!reply.ok || i < 0) {
        const QString why = reply.ok ? tr("the table is gone from the results") : reply.error;
        endRepair(tr("Not repaired: %1").arg(why));
        showFailure(
            QStringLiteral("repairFailed"), tr("Repair Failed"),
            tr("Node %1's table was not changed: its transaction was rolled back.").arg(m_rowsNode),
            why);
        return;
    }
    const RepairOutcome &o = reply.outcome;
    setRowResult(i, o.after ? *o.after : o.before);
    const QString title = CompareText::tableTitle(m_rows.at(i).table);
    if (o.statements.isEmpty()) {
        endRepair(tr("Nothing to repair in %1: it matches its provider now.").arg(title));
        return;
    }
    endRepair(tr("Repaired %1 on %2: inserted %3, updated %4, deleted %5 row(s); compared again: "
                 "%6.")
                  .arg(title, m_rowsNode)
                  .arg(o.inserted)
                  .arg(o.updated)
                  .arg(o.deleted)
                  .arg(CompareText::status(m_rows.at(i))));
}

void CompareView::endRepair(const QString &summary)
{
    m_repairing = false;
    m_activity.clear();
    m_summary = summary;
    renderProgress();
    updateButtons();
    emit repairFinished();
}

void CompareView::showFailure(const QString &objectName,
                              const QString &title,
                              const QString &text,
                              const QString &reason)
{
    openMessageBox(this, QMessageBox::Warning, objectName, title, text, reason);
}

void CompareView::renderResults()
{
    {
        const QSignalBlocker blocker(m_results);
        m_results->clear();
        for (int i = 0; i < m_rows.size(); ++i) {
            auto *item = new QTreeWidgetItem(m_results);
            item->setData(TableColumn, kKeyRole, m_rows.at(i).table.key);
            renderRow(i);
        }
        m_results->setCurrentItem(nullptr);
    }
    renderDifferences();
    renderProgress();
}

void CompareView::renderRow(int index)
{
    QTreeWidgetItem *item = m_results->topLevelItem(index);
    if (!item)
        return;
    const CompareRow &row = m_rows.at(index);
    const QString title = CompareText::tableTitle(row.table);
    item->setText(TableColumn, title);
    item->setToolTip(TableColumn, title);
    const bool compared = row.result && row.result->compared();
    const TableComparison c = compared ? *row.result : TableComparison();
    const auto number = [&](int column, qint64 n) {
        item->setText(column, compared ? QLocale().toString(n) : QString());
        item->setTextAlignment(column, Qt::AlignRight | Qt::AlignVCenter);
        QFont f = m_results->font();
        f.setBold(row.mismatch() && column >= MissingColumn && n != 0);
        item->setFont(column, f);
    };
    number(ProviderRowsColumn, c.providerRows);
    number(NodeRowsColumn, c.nodeRows);
    number(MissingColumn, c.missing);
    number(ExtraColumn, c.extra);
    number(ChangedColumn, c.changed);
    for (const auto &[column, sum] : {std::pair{int(ProviderChecksumColumn), c.providerChecksum},
                                      std::pair{int(NodeChecksumColumn), c.nodeChecksum}}) {
        item->setText(column, sum);
        item->setTextAlignment(column, Qt::AlignRight | Qt::AlignVCenter);
    }
    const QString status = CompareText::status(row);
    item->setText(StatusColumn, status);
    item->setToolTip(StatusColumn, status);
    QFont bold = m_results->font();
    bold.setBold(row.mismatch());
    item->setFont(StatusColumn, bold);
    // An icon with the words, never color alone.
    QString icon;
    if (row.state == CompareRow::State::Compared)
        icon = row.mismatch()        ? QStringLiteral(":/icons/state/error.svg")
               : row.result->equal() ? QStringLiteral(":/icons/state/ok.svg")
                                     : QStringLiteral(":/icons/state/warning.svg");
    else if (row.state == CompareRow::State::Failed)
        icon = QStringLiteral(":/icons/state/error.svg");
    else if (row.state == CompareRow::State::NotRun)
        icon = QStringLiteral(":/icons/state/warning.svg");
    item->setIcon(StatusColumn, icon.isEmpty() ? QIcon() : QIcon(icon));
}

void CompareView::renderProgress()
{
    const qsizetype total = m_rows.size();
    int done = 0;
    qint64 rows = 0;
    int current = -1;
    for (int i = 0; i < total; ++i) {
        const CompareRow &row = m_rows.at(i);
        if (row.state == CompareRow::State::Running)
            current = i;
        else if (row.state != CompareRow::State::Waiting)
            ++done;
        if (row.result && row.result->compared())
            rows += qMax<qint64>(0, row.result->providerRows)
                    + qMax<qint64>(0, row.result->nodeRows);
    }
    if (m_repairing) {
        m_progress->setRange(0, 0); // busy: a repair tells no more
        m_progress->show();
        m_progressText->setText(m_activity);
        return;
    }
    m_progress->setRange(0, int(qMax<qsizetype>(1, total)));
    m_progress->setValue(m_running ? done : int(total));
    m_progress->setVisible(m_running || total > 0);
    QString text;
    if (m_running) {
        if (!m_activity.isEmpty())
            text = m_activity;
        else if (current >= 0)
            text = tr("Table %1 of %2, %3: %4")
                       .arg(current + 1)
                       .arg(total)
                       .arg(CompareText::tableTitle(m_rows.at(current).table),
                            CompareText::phase(m_rows.at(current).phase));
        else
            text = tr("Connecting to the node and its provider…");
        if (rows > 0)
            text += QLatin1Char(' ') + tr("· %L1 rows checksummed so far").arg(rows);
    } else if (!m_summary.isEmpty()) {
        text = m_summary;
    } else if (m_open) {
        text = tr("Choose the node and its tables, then press Compare. Each table is compared "
                  "with the provider's at a synced point, the node's mapping and row condition "
                  "applied.");
    }
    m_progressText->setText(text);
}

void CompareView::renderDifferences()
{
    const int i = currentRow();
    m_differences->showTable(i >= 0 ? &m_rows.at(i) : nullptr, !m_rows.isEmpty());
}

void CompareView::updateButtons()
{
    const bool busy = m_running || m_repairing;
    m_picker->setBusy(busy);
    m_compare->setEnabled(!busy && m_picker->canCompare());
    m_cancel->setEnabled(m_running && !m_cancelAsked);
    const int i = currentRow();
    const bool repairable = i >= 0 && m_rows.at(i).repairable();
    m_repair->setEnabled(!busy && repairable);
    if (i >= 0 && m_rows.at(i).mismatch() && !repairable)
        m_repair->setToolTip(tr("More rows differ than compare lists: copy the table again "
                                "instead (ferry CONFIG.ini resync TABLE)."));
    else
        m_repair->setToolTip(tr("Show the SQL that makes the selected table equal to the "
                                "provider's, and run it once you confirm."));
    m_export->setEnabled(!busy && !m_rows.isEmpty());
}

void CompareView::showError(const QString &text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

QString CompareView::progressText() const
{
    return m_progressText->text();
}

QString CompareView::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

CompareReport CompareView::report() const
{
    CompareReport r;
    r.node = m_rowsNode;
    r.provider = m_rowsProvider;
    r.queue = m_rowsTarget.queue;
    r.finishedAt = m_finishedAt;
    r.rows = m_rows;
    return r;
}

Result<void> CompareView::exportCsv(const QString &path) const
{
    return writeFile(path, CompareReportWriter::csv(report()));
}

Result<void> CompareView::exportHtml(const QString &path) const
{
    return writeFile(path, CompareReportWriter::html(report()));
}

void CompareView::chooseExportFile()
{
    const QString csv = tr("CSV (*.csv)");
    const QString html = tr("HTML page (*.html)");
    // Window-modal and not exec()'d: no nested event loop.
    auto *dialog = new QFileDialog(this, tr("Export Compare Report"));
    dialog->setObjectName(QStringLiteral("compareExportDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setNameFilters({csv, html});
    dialog->setDefaultSuffix(QStringLiteral("csv"));
    dialog->selectFile(tr("compare-%1.csv").arg(m_rowsNode));
    connect(dialog, &QFileDialog::filterSelected, dialog, [dialog, html](const QString &filter) {
        dialog->setDefaultSuffix(filter == html ? QStringLiteral("html") : QStringLiteral("csv"));
    });
    connect(dialog, &QFileDialog::fileSelected, this, [this, dialog, html](const QString &path) {
        const bool asHtml = path.endsWith(QLatin1String(".html"), Qt::CaseInsensitive)
                            || path.endsWith(QLatin1String(".htm"), Qt::CaseInsensitive)
                            || (dialog->selectedNameFilter() == html
                                && !path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive));
        auto written = asHtml ? exportHtml(path) : exportCsv(path);
        if (!written) {
            showFailure(QStringLiteral("compareExportFailed"), tr("Cannot Export"),
                        tr("The report was not saved."), written.error().toString());
            return;
        }
        m_summary = tr("Report saved to %1.").arg(path);
        renderProgress();
    });
    dialog->open();
}

void CompareView::retranslateUi()
{
    m_compare->setText(tr("&Compare"));
    m_compare->setToolTip(tr("Compare the checked tables with the provider's"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the comparison now; its queries are canceled on both servers"));
    m_repair->setText(tr("&Repair…"));
    m_export->setText(tr("&Export…"));
    m_export->setToolTip(tr("Save the results and the rows that differ as CSV or HTML"));
    m_results->setHeaderLabels({tr("Table"), tr("Provider rows"), tr("Node rows"),
                                tr("Provider checksum"), tr("Node checksum"), tr("Status"),
                                tr("Missing"), tr("Extra"), tr("Changed")});
    QTreeWidgetItem *header = m_results->headerItem();
    header->setToolTip(MissingColumn, tr("Rows the provider has and the node lacks"));
    header->setToolTip(ExtraColumn, tr("Rows the node has and the provider lacks"));
    header->setToolTip(ChangedColumn, tr("Rows both have, with other values on the node"));
    for (int i = 0; i < m_rows.size(); ++i)
        renderRow(i);
    renderDifferences();
    renderProgress();
    updateButtons();
}

void CompareView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void CompareView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_sized && width() > 0) {
        // The tables' destination and condition want room; the results more.
        m_sized = true;
        m_splitter->setSizes({width() * 27 / 100, width() * 73 / 100});
    }
}

} // namespace ferry::gui
