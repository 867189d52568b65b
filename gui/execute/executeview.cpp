#include "execute/executeview.h"

#include "common/asynctask.h"
#include "common/messagebox.h"
#include "db/connectgate.h"
#include "execute/executetasks.h"

#include <QBoxLayout>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QTimer>
#include <QTreeWidget>

namespace ferry::gui {

namespace {

const QColor kErrorColor(0xb0, 0x00, 0x20);
const QColor kDoneColor(0x1b, 0x6e, 0x20);

void setRowColor(QTreeWidgetItem *item, const QColor &color)
{
    for (int c = 0; c < ExecuteView::ColumnCount; ++c)
        item->setForeground(c, color);
}

// One line of a statement for its row; the tooltip has it whole.
void setDetail(QTreeWidgetItem *item, const QString &text)
{
    item->setText(ExecuteView::DetailColumn, text.simplified());
    item->setToolTip(ExecuteView::DetailColumn, text);
}

} // namespace

ExecuteView::ExecuteView(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("executeView"));
    m_pool.setMaxThreadCount(2); // a preview while the progress is read

    m_fileNameLabel = new QLabel(this);
    m_fileName = new QLineEdit(this);
    m_fileName->setObjectName(QStringLiteral("executeFileName"));
    m_fileNameLabel->setBuddy(m_fileName);
    connect(m_fileName, &QLineEdit::textChanged, this, &ExecuteView::updateButtons);
    m_open = new QPushButton(this);
    m_open->setObjectName(QStringLiteral("executeOpen"));
    connect(m_open, &QPushButton::clicked, this, &ExecuteView::chooseFile);
    m_save = new QPushButton(this);
    m_save->setObjectName(QStringLiteral("executeSave"));
    connect(m_save, &QPushButton::clicked, this, &ExecuteView::save);
    m_saveAs = new QPushButton(this);
    m_saveAs->setObjectName(QStringLiteral("executeSaveAs"));
    connect(m_saveAs, &QPushButton::clicked, this, &ExecuteView::chooseSaveFile);
    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_fileNameLabel);
    fileRow->addWidget(m_fileName, 1);
    fileRow->addWidget(m_open);
    fileRow->addWidget(m_save);
    fileRow->addWidget(m_saveAs);

    m_editLabel = new QLabel(this);
    m_edit = new QPlainTextEdit(this);
    m_edit->setObjectName(QStringLiteral("scriptEdit"));
    m_edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editLabel->setBuddy(m_edit);
    connect(m_edit, &QPlainTextEdit::textChanged, this, &ExecuteView::updateButtons);
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_editLabel);
    leftLayout->addWidget(m_edit, 1);

    m_preview = new QPushButton(this);
    m_preview->setObjectName(QStringLiteral("executePreview"));
    connect(m_preview, &QPushButton::clicked, this, &ExecuteView::startPreview);
    m_run = new QPushButton(this);
    m_run->setObjectName(QStringLiteral("executeRun"));
    connect(m_run, &QPushButton::clicked, this, &ExecuteView::startRun);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_preview);
    buttons->addWidget(m_run);
    buttons->addStretch(1);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("executeError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("QLabel { background: #fde7e9; color: #7a1020; "
                                          "border: 1px solid #e8a3ab; padding: 4px; }"));
    m_error->hide();
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("executeStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_results = new QTreeWidget(this);
    m_results->setObjectName(QStringLiteral("executeResults"));
    m_results->setColumnCount(ColumnCount);
    m_results->setUniformRowHeights(true);
    m_results->header()->setStretchLastSection(true);

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addLayout(buttons);
    rightLayout->addWidget(m_error);
    rightLayout->addWidget(m_status);
    rightLayout->addWidget(m_results, 1);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("executeSplitter"));
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(fileRow);
    layout->addWidget(splitter, 1);

    m_timer = new QTimer(this);
    m_timer->setInterval(1000);
    connect(m_timer, &QTimer::timeout, this, &ExecuteView::readProgress);

    retranslateUi();
    showHint();
    updateButtons();
}

// The pool waits for a read still going (a few seconds at most: each node's
// connect has a short timeout).
ExecuteView::~ExecuteView() = default;

void ExecuteView::open(const JobConfig &config)
{
    close();
    m_config = config;
    updateButtons();
}

void ExecuteView::close()
{
    ++m_token; // answers for the config closed are dropped
    m_config.reset();
    m_timer->stop();
    m_previewing = false;
    m_running = false;
    m_reading = false;
    m_eventId = 0;
    m_progress.clear();
    if (m_confirm)
        m_confirm->reject();
    m_results->clear();
    m_error->hide();
    showHint();
    updateButtons();
}

void ExecuteView::setProgressIntervalMs(int ms)
{
    m_timer->setInterval(ms);
}

QString ExecuteView::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

QString ExecuteView::statusText() const
{
    return m_status->text();
}

void ExecuteView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void ExecuteView::retranslateUi()
{
    m_fileNameLabel->setText(tr("File &name:"));
    const QString nameTip = tr("The name the root records the script under; the same name "
                               "and content again needs Run Again");
    m_fileNameLabel->setToolTip(nameTip);
    m_fileName->setToolTip(nameTip);
    m_fileName->setPlaceholderText(tr("add_column.sql"));
    m_open->setText(tr("&Open…"));
    m_open->setToolTip(tr("Open a SQL script from a file"));
    m_save->setText(tr("&Save"));
    m_save->setToolTip(tr("Save the script to its file"));
    m_saveAs->setText(tr("Save &As…"));
    m_saveAs->setToolTip(tr("Save the script to another file"));
    m_editLabel->setText(tr("S&QL script:"));
    const QString editTip = tr("The statements to run on the root and then, rewritten to "
                               "each node's names, on every node");
    m_editLabel->setToolTip(editTip);
    m_edit->setToolTip(editTip);
    m_preview->setText(tr("&Preview"));
    m_preview->setToolTip(tr("Show per node the statements as they will run there; nothing "
                             "is run"));
    m_run->setText(tr("Run on the &Root…"));
    m_run->setToolTip(tr("Run the script on the root and queue it for every node, after "
                         "asking"));
    m_results->setHeaderLabels({tr("Node"), tr("State"), tr("Statement or message")});
    m_results->setToolTip(tr("Per node: the statements as they will run there, or how far "
                             "the script got"));
    m_status->setToolTip(tr("What the page did last"));
    updateButtons();
    if (m_eventId > 0)
        renderProgress();
    else if (m_results->topLevelItemCount() == 0)
        showHint();
}

void ExecuteView::showHint()
{
    m_status->setText(tr("Open a SQL file or write the script, then Preview to see how each "
                         "node will run it."));
}

void ExecuteView::updateButtons()
{
    const bool hasScript = !m_edit->toPlainText().trimmed().isEmpty();
    const bool named = !m_fileName->text().trimmed().isEmpty();
    m_preview->setEnabled(m_config && hasScript && named && !m_previewing);
    m_run->setEnabled(m_config && hasScript && named && !m_running && !m_confirm);
    m_save->setEnabled(hasScript);
    m_saveAs->setEnabled(hasScript);
}

ScriptFile ExecuteView::scriptFile() const
{
    ScriptFile file;
    file.name = m_fileName->text().trimmed();
    file.raw = m_edit->toPlainText().toUtf8();
    return file;
}

void ExecuteView::showError(const QString &text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

bool ExecuteView::loadFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        showError(tr("Cannot open %1: %2").arg(path, file.errorString()));
        return false;
    }
    m_edit->setPlainText(QString::fromUtf8(file.readAll()));
    m_edit->document()->setModified(false);
    m_path = path;
    m_folder = QFileInfo(path).absolutePath();
    m_fileName->setText(QFileInfo(path).fileName());
    showError(QString());
    m_status->setText(tr("Opened %1.").arg(path));
    updateButtons();
    return true;
}

bool ExecuteView::saveTo(const QString &path)
{
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly)) {
        file.write(m_edit->toPlainText().toUtf8());
        if (file.commit()) {
            m_path = path;
            m_folder = QFileInfo(path).absolutePath();
            if (m_fileName->text().trimmed().isEmpty())
                m_fileName->setText(QFileInfo(path).fileName());
            m_edit->document()->setModified(false);
            showError(QString());
            m_status->setText(tr("Saved %1.").arg(path));
            return true;
        }
    }
    showError(
        tr("Cannot save %1: %2; choose another file with Save As.").arg(path, file.errorString()));
    return false;
}

void ExecuteView::chooseFile()
{
    auto *dialog = new QFileDialog(this, tr("Open SQL Script"), m_folder,
                                   tr("SQL scripts (*.sql);;All files (*)"));
    dialog->setObjectName(QStringLiteral("executeOpenDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setAcceptMode(QFileDialog::AcceptOpen);
    connect(dialog, &QFileDialog::fileSelected, this,
            [this](const QString &path) { loadFile(path); });
    dialog->open();
}

void ExecuteView::chooseSaveFile()
{
    const QString start
        = m_path.isEmpty() ? QDir(m_folder).filePath(m_fileName->text().trimmed()) : m_path;
    auto *dialog = new QFileDialog(this, tr("Save SQL Script"), start,
                                   tr("SQL scripts (*.sql);;All files (*)"));
    dialog->setObjectName(QStringLiteral("executeSaveDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("sql"));
    connect(dialog, &QFileDialog::fileSelected, this,
            [this](const QString &path) { saveTo(path); });
    dialog->open();
}

void ExecuteView::save()
{
    if (m_path.isEmpty())
        chooseSaveFile();
    else
        saveTo(m_path);
}

void ExecuteView::startPreview()
{
    if (!m_config || m_previewing || !m_preview->isEnabled())
        return;
    ConnectGate::instance().retryAll(); // the user acted: a refused login is tried again
    m_previewing = true;
    m_timer->stop(); // the tree shows the preview now
    m_eventId = 0;
    showError(QString());
    m_status->setText(tr("Reading every node's tables…"));
    const quint64 token = ++m_token;
    runAsync<ExecutePlanReply>(
        this, [config = *m_config, file = scriptFile()] { return readScriptPlan(config, file); },
        [this, token](const ExecutePlanReply &reply) { onPlan(token, reply); }, &m_pool);
    updateButtons();
}

void ExecuteView::onPlan(quint64 token, const ExecutePlanReply &reply)
{
    if (token != m_token)
        return;
    m_previewing = false;
    m_results->clear();
    m_results->setRootIsDecorated(true);
    if (!reply.ok) {
        showError(reply.notRoot ? reply.error : tr("Cannot preview: %1").arg(reply.error));
        m_status->clear();
        updateButtons();
        emit previewFinished();
        return;
    }
    const ScriptPlan &plan = reply.plan;
    auto *root = new QTreeWidgetItem(m_results);
    root->setText(NodeColumn, plan.root);
    root->setText(StateColumn, tr("root"));
    root->setText(DetailColumn, tr("runs %n statement(s) as written first", nullptr,
                                   int(plan.rootStatements.size())));
    for (const ScriptStatement &s : plan.rootStatements) {
        auto *item = new QTreeWidgetItem(root);
        item->setText(NodeColumn, tr("line %1").arg(s.line));
        item->setText(StateColumn, tr("runs"));
        setDetail(item, s.text);
    }
    int problems = 0;
    for (const NodeScriptPlan &node : plan.nodes) {
        auto *top = new QTreeWidgetItem(m_results);
        top->setText(NodeColumn, node.node);
        if (!node.reached) {
            ++problems;
            top->setText(StateColumn, tr("unreachable"));
            setDetail(top, node.error);
            setRowColor(top, kErrorColor);
            continue;
        }
        if (!node.error.isEmpty()) {
            ++problems;
            top->setText(StateColumn, tr("error"));
            setDetail(top, node.error);
            setRowColor(top, kErrorColor);
            continue;
        }
        int runs = 0;
        for (const RewrittenStatement &s : node.statements) {
            auto *item = new QTreeWidgetItem(top);
            item->setText(NodeColumn, tr("line %1").arg(s.line));
            if (s.skipped()) {
                item->setText(StateColumn, tr("skipped"));
                setDetail(item, s.skippedBecause);
                setRowColor(item, palette().color(QPalette::Disabled, QPalette::Text));
            } else {
                ++runs;
                item->setText(StateColumn, tr("runs"));
                setDetail(item, s.sql);
            }
        }
        top->setText(StateColumn, tr("ready"));
        top->setText(
            DetailColumn,
            tr("runs %1 of %n statement(s)", nullptr, int(node.statements.size())).arg(runs));
    }
    m_results->expandAll();
    m_results->resizeColumnToContents(NodeColumn);
    m_results->resizeColumnToContents(StateColumn);
    m_status->setText(
        problems == 0
            ? tr("Preview of %1 on %n node(s): nothing was run.", nullptr,
                 int(plan.nodes.size()) + 1)
                  .arg(m_fileName->text().trimmed())
            : tr("Preview of %1: %n node(s) cannot run it as it is (in red).", nullptr, problems)
                  .arg(m_fileName->text().trimmed()));
    updateButtons();
    emit previewFinished();
}

void ExecuteView::startRun()
{
    if (!m_config || m_running || m_confirm || !m_run->isEnabled())
        return;
    confirmRun(false, QString());
}

void ExecuteView::confirmRun(bool force, const QString &earlier)
{
    const QString name = m_fileName->text().trimmed();
    auto *box = new QMessageBox(this);
    m_confirm = box;
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(force ? QStringLiteral("executeConfirmForce")
                             : QStringLiteral("executeConfirm"));
    box->setIcon(QMessageBox::Question);
    QPushButton *go = nullptr;
    if (force) {
        box->setWindowTitle(tr("Run Script Again"));
        box->setText(tr("%1.").arg(earlier));
        box->setInformativeText(tr("Run it on the root and on every node once more?"));
        go = box->addButton(tr("Run &Again (--force)"), QMessageBox::AcceptRole);
    } else {
        box->setWindowTitle(tr("Run Script on the Root"));
        box->setText(tr("Run %1 on the root and queue it for every node?").arg(name));
        box->setInformativeText(
            tr("The root runs it now in one transaction; each node runs it, rewritten to its "
               "names, when its worker reaches it. Use Preview to see how first."));
        go = box->addButton(tr("&Run"), QMessageBox::AcceptRole);
    }
    go->setObjectName(QStringLiteral("executeConfirmRun"));
    QPushButton *cancel = box->addButton(QMessageBox::Cancel);
    cancel->setObjectName(QStringLiteral("executeConfirmCancel"));
    box->setDefaultButton(cancel);
    box->setEscapeButton(cancel);
    const quint64 token = m_token; // the answer counts for this config only
    connect(box, &QMessageBox::finished, this, [this, box, go, force, token] {
        const bool yes = box->clickedButton() == go;
        // Deleted later (WA_DeleteOnClose): run() must see it gone.
        m_confirm = nullptr;
        if (yes && token == m_token && m_config)
            run(force);
        updateButtons();
    });
    fitTitle(box);
    box->open();
    updateButtons();
}

void ExecuteView::run(bool force)
{
    ConnectGate::instance().retryAll(); // the user acted
    m_running = true;
    m_timer->stop();
    m_eventId = 0;
    m_progress.clear();
    m_results->clear(); // an earlier preview or run is not this one
    showError(QString());
    const ScriptFile file = scriptFile();
    m_runName = file.name;
    m_status->setText(tr("Running %1 on the root…").arg(file.name));
    const quint64 token = ++m_token;
    runAsync<ExecuteRunReply>(
        this, [config = *m_config, file, force] { return runScriptOnRoot(config, file, force); },
        [this, token](const ExecuteRunReply &reply) { onRun(token, reply); }, &m_pool);
    updateButtons();
}

void ExecuteView::onRun(quint64 token, const ExecuteRunReply &reply)
{
    if (token != m_token)
        return;
    m_running = false;
    if (!reply.ok) {
        m_status->clear();
        if (reply.ranBefore) {
            showError(tr("%1; run it again only if it is meant to run twice.").arg(reply.error));
            emit runFinished();
            confirmRun(true, reply.error);
            return;
        }
        showError(reply.notRoot ? reply.error
                                : tr("The root did not run the script: %1").arg(reply.error));
        updateButtons();
        emit runFinished();
        return;
    }
    m_eventId = reply.done.eventId;
    m_runRoot = reply.rootNode;
    renderProgress();
    updateButtons();
    emit runFinished();
    readProgress();
    m_timer->start();
}

void ExecuteView::readProgress()
{
    if (!m_config || m_eventId <= 0 || m_reading)
        return;
    m_reading = true;
    const quint64 token = m_token;
    runAsync<ExecuteProgressReply>(
        this, [config = *m_config, event = m_eventId] { return readScriptProgress(config, event); },
        [this, token](const ExecuteProgressReply &reply) { onProgress(token, reply); }, &m_pool);
}

void ExecuteView::onProgress(quint64 token, const ExecuteProgressReply &reply)
{
    if (token != m_token)
        return;
    m_reading = false;
    if (!reply.ok) {
        showError(tr("Cannot read the nodes' progress: %1").arg(reply.error));
        emit progressRead();
        return;
    }
    m_progress = reply.nodes;
    // A node's error is long for its row: whole, above the list.
    QStringList failures;
    for (const NodeScriptProgress &p : std::as_const(m_progress)) {
        if (p.state == ScriptNodeState::Failed)
            failures << tr("%1 stopped at the script: %2. Retry, skip or replace it there from "
                           "the Errors page.")
                            .arg(p.node, p.message);
    }
    showError(failures.join(QLatin1Char('\n')));
    bool done = true;
    for (const NodeScriptProgress &p : std::as_const(m_progress)) {
        if (p.state == ScriptNodeState::Waiting || p.state == ScriptNodeState::Unreachable)
            done = false;
    }
    renderProgress();
    emit progressRead();
    if (done) {
        m_timer->stop();
        emit progressFinished();
    }
}

QString ExecuteView::stateText(ScriptNodeState state) const
{
    switch (state) {
    case ScriptNodeState::Waiting:
        return tr("waiting");
    case ScriptNodeState::Applied:
        return tr("applied");
    case ScriptNodeState::Skipped:
        return tr("skipped");
    case ScriptNodeState::Replaced:
        return tr("replaced");
    case ScriptNodeState::Failed:
        return tr("failed");
    case ScriptNodeState::Unreachable:
        return tr("unreachable");
    }
    return QString();
}

void ExecuteView::renderProgress()
{
    m_results->clear();
    m_results->setRootIsDecorated(false);
    auto *root = new QTreeWidgetItem(m_results);
    root->setText(NodeColumn, m_runRoot.isEmpty() ? tr("root") : m_runRoot);
    root->setText(StateColumn, tr("applied"));
    root->setText(DetailColumn,
                  tr("ran %1 and queued it as event %2").arg(m_runName).arg(m_eventId));
    setRowColor(root, kDoneColor);
    int applied = 0;
    int failed = 0;
    int waiting = 0;
    for (const NodeScriptProgress &p : std::as_const(m_progress)) {
        auto *item = new QTreeWidgetItem(m_results);
        item->setText(NodeColumn, p.node);
        item->setText(StateColumn, stateText(p.state));
        switch (p.state) {
        case ScriptNodeState::Applied:
            ++applied;
            setDetail(item, tr("at %1: %2 statement(s) run, %3 skipped on this node")
                                .arg(QLocale().toString(p.at.time(), QLocale::LongFormat))
                                .arg(p.statementsRun)
                                .arg(p.statementsSkipped));
            setRowColor(item, kDoneColor);
            break;
        case ScriptNodeState::Skipped:
            ++applied;
            setDetail(item, tr("at %1: skipped on this node by an operator (skip-event)")
                                .arg(QLocale().toString(p.at.time(), QLocale::LongFormat)));
            break;
        case ScriptNodeState::Replaced:
            ++applied;
            setDetail(item, tr("at %1: other SQL ran on this node in its place (replace-event)")
                                .arg(QLocale().toString(p.at.time(), QLocale::LongFormat)));
            break;
        case ScriptNodeState::Failed:
            ++failed;
            setDetail(item, p.message);
            setRowColor(item, kErrorColor);
            break;
        case ScriptNodeState::Unreachable:
            ++waiting;
            setDetail(item, p.message);
            setRowColor(item, kErrorColor);
            break;
        case ScriptNodeState::Waiting:
            ++waiting;
            setDetail(item, tr("its worker has not reached the script yet"));
            break;
        }
    }
    m_results->resizeColumnToContents(NodeColumn);
    m_results->resizeColumnToContents(StateColumn);
    if (m_progress.isEmpty())
        m_status->setText(
            tr("The root ran %1 (event %2); reading the nodes…").arg(m_runName).arg(m_eventId));
    else if (waiting > 0)
        m_status->setText(tr("%1 (event %2): %3 of %n node(s) done, %4 failed; checking every "
                             "second.",
                             nullptr, int(m_progress.size()))
                              .arg(m_runName)
                              .arg(m_eventId)
                              .arg(applied)
                              .arg(failed));
    else
        m_status->setText(
            tr("%1 (event %2): %3 of %n node(s) done, %4 failed.", nullptr, int(m_progress.size()))
                .arg(m_runName)
                .arg(m_eventId)
                .arg(applied)
                .arg(failed));
}

} // namespace ferry::gui
