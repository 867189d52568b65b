#include "errors/errorlogview.h"

#include "common/asynctask.h"
#include "common/dialoggeometry.h"
#include "common/messagebox.h"
#include "db/connectgate.h"
#include "errors/editeventdialog.h"

#include <QBoxLayout>
#include <QCheckBox>
#include <QEvent>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QToolButton>
#include <QTreeWidget>
#include <QtConcurrent>

namespace ferry::gui {

namespace {

constexpr int kEntryRole = Qt::UserRole + 1; // index into m_reply->entries

QString timeText(const QDateTime &at)
{
    return QLocale().toString(at.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

} // namespace

ErrorLogView::ErrorLogView(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("errorLog"));

    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("errorLogTitle"));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_updated = new QLabel(this);
    m_updated->setObjectName(QStringLiteral("errorLogUpdated"));
    m_updated->setForegroundRole(QPalette::PlaceholderText);
    m_resolved = new QCheckBox(this);
    m_resolved->setObjectName(QStringLiteral("errorLogShowResolved"));
    m_resolved->setChecked(true);
    connect(m_resolved, &QCheckBox::toggled, this, &ErrorLogView::render);
    m_refresh = new QToolButton(this);
    m_refresh->setObjectName(QStringLiteral("errorLogRefresh"));
    m_refresh->setIcon(QIcon::fromTheme(QStringLiteral("view-refresh")));
    m_refresh->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    // Pressed (not the timer): a node whose login was refused is tried again.
    connect(m_refresh, &QToolButton::clicked, this, [] { ConnectGate::instance().retryAll(); });
    connect(m_refresh, &QToolButton::clicked, this, &ErrorLogView::refresh);

    m_problems = new QLabel(this);
    m_problems->setObjectName(QStringLiteral("errorLogProblems"));
    m_problems->setWordWrap(true);
    m_problems->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problems->setStyleSheet(QStringLiteral("QLabel { background: #fff4ce; color: #5c4400; "
                                             "border: 1px solid #e5c46b; padding: 4px; }"));
    m_problems->hide();

    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("errorLogList"));
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->setColumnCount(ColumnCount);
    m_list->header()->setStretchLastSection(true);
    m_list->header()->setSectionResizeMode(QHeaderView::Interactive);
    connect(m_list, &QTreeWidget::currentItemChanged, this, &ErrorLogView::showSelected);

    // Stands in place of an empty list and says why it is empty.
    m_empty = new QLabel(this);
    m_empty->setObjectName(QStringLiteral("errorLogEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setMargin(24);
    m_empty->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_listStack = new QStackedWidget(this);
    m_listStack->addWidget(m_list);
    m_listStack->addWidget(m_empty);

    m_message = new QPlainTextEdit(this);
    m_message->setObjectName(QStringLiteral("errorLogMessage"));
    m_message->setReadOnly(true);
    m_message->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    // The operator's way out of the event a leaf is stopped at.
    m_retry = new QPushButton(this);
    m_retry->setObjectName(QStringLiteral("retryButton"));
    m_skip = new QPushButton(this);
    m_skip->setObjectName(QStringLiteral("skipButton"));
    m_edit = new QPushButton(this);
    m_edit->setObjectName(QStringLiteral("editButton"));
    auto start = [this](EventActionRequest::Kind after) {
        const NodeErrorEntry *e = selectedEntry();
        if (!e || m_acting)
            return;
        m_actNode = e->node;
        m_actEvent = e->site.eventId.value_or(0);
        m_after = after;
        act(after == EventActionRequest::Retry ? EventActionRequest::Retry
                                               : EventActionRequest::Describe);
    };
    connect(m_retry, &QPushButton::clicked, this, [start] { start(EventActionRequest::Retry); });
    connect(m_skip, &QPushButton::clicked, this, [start] { start(EventActionRequest::Skip); });
    connect(m_edit, &QPushButton::clicked, this, [start] { start(EventActionRequest::Replace); });
    m_actionStatus = new QLabel(this);
    m_actionStatus->setObjectName(QStringLiteral("errorActionStatus"));
    m_actionStatus->setWordWrap(true);
    m_actionStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_actionStatus->setTextFormat(Qt::PlainText);
    auto *actions = new QHBoxLayout;
    actions->setContentsMargins(0, 0, 0, 0);
    actions->addWidget(m_retry);
    actions->addWidget(m_skip);
    actions->addWidget(m_edit);
    actions->addWidget(m_actionStatus, 1);
    auto *details = new QWidget(this);
    details->setObjectName(QStringLiteral("errorLogDetails"));
    auto *detailsLayout = new QVBoxLayout(details);
    detailsLayout->setContentsMargins(0, 0, 0, 0);
    detailsLayout->addWidget(m_message, 1);
    detailsLayout->addLayout(actions);

    auto *header = new QHBoxLayout;
    header->addWidget(m_title);
    header->addStretch(1);
    header->addWidget(m_updated);
    header->addWidget(m_resolved);
    header->addWidget(m_refresh);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("errorLogSplitter"));
    splitter->addWidget(m_listStack);
    splitter->addWidget(details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_problems);
    layout->addWidget(splitter, 1);

    m_timer.setInterval(kRefreshSeconds * 1000);
    connect(&m_timer, &QTimer::timeout, this, &ErrorLogView::refresh);
    connect(&m_watcher, &QFutureWatcher<ErrorLogReply>::finished, this, &ErrorLogView::onRead);

    retranslateUi();
    render();
}

// A read still running goes on without us: it owns its request and its
// connections, and its answer is dropped with the watcher.
ErrorLogView::~ErrorLogView() = default;

void ErrorLogView::open(const JobConfig &config)
{
    m_config = config;
    m_open = true;
    ++m_token;
    m_types.clear();
    m_actionStatus->clear();
    m_members = ErrorLogRequest();
    m_statusError.clear();
    m_reply.reset();
    render();
    if (isVisible())
        refresh();
}

void ErrorLogView::close()
{
    m_open = false;
    ++m_token;
    m_timer.stop();
    m_members = ErrorLogRequest();
    m_statusError.clear();
    m_reply.reset();
    render();
}

void ErrorLogView::setStatus(const StatusReply &reply)
{
    if (!m_open)
        return;
    const QString statusError = reply.ok ? QString() : reply.error;
    const bool statusChanged = statusError != m_statusError;
    m_statusError = statusError;
    if (statusChanged)
        renderProblems();
    if (!reply.ok) {
        // The members known from a good status are still read; without one,
        // the config's own node is read now.
        if (statusChanged && m_members.members.isEmpty() && isVisible())
            refresh();
        return;
    }
    const bool first = m_members.members.isEmpty();
    m_members.members.clear();
    m_members.localNode = reply.status.localNode;
    m_types.clear();
    for (const NodeStatus &node : reply.status.nodes) {
        m_members.members.append({node.name, node.location});
        m_types.insert(node.name, node.type);
    }
    updateActions();
    if (first && isVisible())
        refresh();
}

void ErrorLogView::refresh()
{
    if (!m_open)
        return;
    if (m_watcher.isRunning()) {
        m_wanted = true;
        return;
    }
    ErrorLogRequest request = m_members;
    if (request.members.isEmpty() && m_statusError.isEmpty()) {
        render(); // waits for the first status, which names the members
        return;
    }
    if (request.members.isEmpty()) {
        // No status read yet, or none worked: the config's own node is known
        // without one. Named by its address until its name is known.
        const QString self = m_config.db().displayName();
        request.localNode = self;
        request.members.append({self, QString()});
    }
    m_ownNodeOnly = m_members.members.isEmpty();
    request.token = m_token;
    request.config = m_config;
    m_refresh->setEnabled(false);
    render();
    m_watcher.setFuture(QtConcurrent::run([request] { return readErrorLog(request); }));
}

void ErrorLogView::onRead()
{
    m_refresh->setEnabled(true);
    const ErrorLogReply reply = m_watcher.result();
    if (reply.token == m_token && m_open) {
        m_reply = reply;
        render();
        emit refreshed();
    }
    if (m_wanted) {
        m_wanted = false;
        refresh();
    }
}

QString ErrorLogView::problemText() const
{
    return m_problems->isHidden() ? QString() : m_problems->text();
}

QString ErrorLogView::emptyText() const
{
    return m_listStack->currentWidget() == m_empty ? m_empty->text() : QString();
}

bool ErrorLogView::showsResolved() const
{
    return m_resolved->isChecked();
}

void ErrorLogView::setShowResolved(bool show)
{
    m_resolved->setChecked(show);
}

QString ErrorLogView::whereText(const NodeErrorEntry &entry)
{
    QStringList parts;
    const ErrorSite &s = entry.site;
    if (s.copy)
        parts << tr("initial copy");
    if (s.batchId) {
        if (s.tickFrom && s.tickTo)
            parts << tr("batch %1 (ticks %2–%3)").arg(*s.batchId).arg(*s.tickFrom).arg(*s.tickTo);
        else
            parts << tr("batch %1").arg(*s.batchId);
    }
    if (s.eventId)
        parts << tr("event %1").arg(*s.eventId);
    if (!s.table.isEmpty())
        parts << s.table;
    return parts.join(QStringLiteral(" · "));
}

void ErrorLogView::render()
{
    const QString selected = m_list->currentItem()
                                 ? m_list->currentItem()->data(0, kEntryRole + 1).toString()
                                 : QString();
    m_list->clear();
    renderProblems();
    if (!m_reply) {
        m_updated->clear();
        m_title->setText(tr("Errors stored by the workers"));
        renderEmpty(0);
        showSelected();
        return;
    }
    m_updated->setText(
        m_reply->membersRead > 0
            ? tr("Read %1").arg(QLocale().toString(m_reply->readAt.time(), QLocale::ShortFormat))
            : tr("Read failed %1")
                  .arg(QLocale().toString(m_reply->readAt.time(), QLocale::ShortFormat)));
    QTreeWidgetItem *current = nullptr;
    int open = 0;
    int hiddenResolved = 0;
    for (int i = 0; i < m_reply->entries.size(); ++i) {
        const NodeErrorEntry &e = m_reply->entries.at(i);
        const bool resolved = e.resolvedAt.isValid();
        open += resolved ? 0 : 1;
        if (resolved && !m_resolved->isChecked()) {
            ++hiddenResolved;
            continue;
        }
        auto *item = new QTreeWidgetItem(m_list);
        item->setText(TimeColumn, timeText(e.lastAt));
        item->setToolTip(
            TimeColumn,
            tr("First seen %1, last seen %2").arg(timeText(e.firstAt), timeText(e.lastAt)));
        item->setText(NodeColumn, e.node);
        item->setText(WhereColumn, whereText(e));
        item->setText(AttemptsColumn, QLocale().toString(e.attempts));
        item->setTextAlignment(AttemptsColumn, Qt::AlignRight | Qt::AlignVCenter);
        item->setText(StateColumn,
                      resolved ? tr("resolved %1").arg(timeText(e.resolvedAt)) : tr("open"));
        item->setIcon(StateColumn, QIcon(resolved ? QStringLiteral(":/icons/state/ok.svg")
                                                  : QStringLiteral(":/icons/state/error.svg")));
        item->setText(MessageColumn, e.message);
        item->setToolTip(MessageColumn, e.message);
        item->setData(0, kEntryRole, i);
        const QString key = e.node + QLatin1Char('#') + QString::number(e.id);
        item->setData(0, kEntryRole + 1, key);
        if (key == selected)
            current = item;
    }
    if (m_reply->membersRead == 0)
        m_title->setText(tr("Errors stored by the workers"));
    else if (m_ownNodeOnly)
        m_title->setText(tr("Errors stored by this config's node: %n open", nullptr, open));
    else
        m_title->setText(tr("Errors stored by the workers: %n open", nullptr, open));
    for (int c = 0; c < MessageColumn; ++c)
        m_list->resizeColumnToContents(c);
    if (!current && m_list->topLevelItemCount() > 0)
        current = m_list->topLevelItem(0);
    m_list->setCurrentItem(current);
    renderEmpty(hiddenResolved);
    showSelected();
}

void ErrorLogView::renderProblems()
{
    QStringList lines;
    if (m_open && !m_statusError.isEmpty()) {
        lines << tr("The cascade's status cannot be read: %1").arg(m_statusError);
        if (m_members.members.isEmpty())
            lines << tr("Until it can, only this config's own node is tried.");
    }
    if (m_reply && !m_reply->problems.isEmpty()) {
        const QString problems = m_reply->problems.join(QStringLiteral("; "));
        lines << (m_reply->membersRead == 0
                      ? tr("No node's log could be read: %1").arg(problems)
                      : tr("Not every node's log could be read: %1").arg(problems));
    }
    m_problems->setText(lines.join(QLatin1Char('\n')));
    m_problems->setVisible(!lines.isEmpty());
}

void ErrorLogView::renderEmpty(int hiddenResolved)
{
    QString text;
    if (!m_open) {
        text = tr("Open a config to see the errors its cascade's workers stored.");
    } else if (!m_reply) {
        if (m_watcher.isRunning())
            text = tr("Reading the error log of every node…");
        else if (m_members.members.isEmpty() && m_statusError.isEmpty())
            text = tr("Waiting for the cascade's status, which names its nodes…");
        else
            text = tr("The error log is read when this page is shown.");
    } else if (m_list->topLevelItemCount() == 0) {
        if (m_reply->membersRead == 0) {
            text = tr("Cannot read any node's error log, so whether there are errors is unknown. "
                      "The reasons are above; fix them and press Refresh.");
        } else if (m_reply->membersRead < m_reply->membersAsked) {
            text = tr("No errors stored on the %1 of %2 nodes that could be read; the others "
                      "are named above.")
                       .arg(m_reply->membersRead)
                       .arg(m_reply->membersAsked);
        } else if (m_ownNodeOnly) {
            text = tr("This config's own node has stored no error. The cascade's other nodes "
                      "are read once its status can be.");
        } else if (hiddenResolved > 0) {
            text = tr("No open errors; %n resolved hidden (Show resolved).", nullptr,
                      hiddenResolved);
        } else {
            text = tr("No worker of this cascade has stored an error.");
        }
    }
    m_empty->setText(text);
    m_listStack->setCurrentWidget(text.isEmpty() ? static_cast<QWidget *>(m_list) : m_empty);
}

const NodeErrorEntry *ErrorLogView::selectedEntry() const
{
    QTreeWidgetItem *item = m_list->currentItem();
    if (!item || !m_reply || m_listStack->currentWidget() != m_list)
        return nullptr;
    const int i = item->data(0, kEntryRole).toInt();
    return i >= 0 && i < m_reply->entries.size() ? &m_reply->entries.at(i) : nullptr;
}

void ErrorLogView::showSelected()
{
    updateActions();
    const NodeErrorEntry *selected = selectedEntry();
    if (!selected) {
        m_message->clear();
        return;
    }
    const NodeErrorEntry &e = *selected;
    QString text = tr("Node %1 · %2").arg(e.node, whereText(e));
    if (!e.sqlState.isEmpty())
        text += tr(" · SQLSTATE %1").arg(e.sqlState);
    text += QLatin1Char('\n') + e.message;
    if (!e.resolvedAt.isValid()) {
        text += QStringLiteral("\n\n")
                + tr("The worker of %1 retries by itself with back-off. Fix the cause named "
                     "above on that node and it goes on; nothing is skipped meanwhile.")
                      .arg(e.node);
        if (m_skip->isEnabled())
            text += QLatin1Char(' ')
                    + tr("Retry Now ends its wait; Skip Event leaves this event out on %1; Edit "
                         "and Apply runs your SQL in its place.")
                          .arg(e.node);
    } else if (!e.resolution.isEmpty()) {
        text += QStringLiteral("\n\n") + tr("This error was %1.").arg(e.resolution);
    } else {
        text += QStringLiteral("\n\n")
                + tr("The worker got past this error by itself at %1.").arg(timeText(e.resolvedAt));
    }
    m_message->setPlainText(text);
}

void ErrorLogView::updateActions()
{
    const NodeErrorEntry *e = selectedEntry();
    // An open error of a leaf's batch: the node is stopped at it. A node the
    // status does not name is tried; the core refuses a root.
    const bool stopped = e && !e->resolvedAt.isValid() && !e->site.copy
                         && (e->site.batchId || e->site.eventId)
                         && m_types.value(e->node, NodeType::Leaf) != NodeType::Root;
    m_retry->setEnabled(stopped && !m_acting);
    m_skip->setEnabled(stopped && !m_acting && e->site.eventId.has_value());
    m_edit->setEnabled(m_skip->isEnabled());
}

QString ErrorLogView::actionStatus() const
{
    return m_actionStatus->text();
}

void ErrorLogView::setActionStatus(const QString &text, bool failed)
{
    m_actionStatus->setText(text);
    m_actionStatus->setStyleSheet(failed ? QStringLiteral("QLabel { color: #a4262c; }")
                                         : QString());
}

Result<ConnectionString> ErrorLogView::nodeLocation(const QString &node) const
{
    if (m_members.members.isEmpty() || node == m_members.localNode)
        return m_config.db();
    for (const ErrorLogRequest::Member &member : m_members.members) {
        if (member.name == node)
            return memberLocation(member.location);
    }
    return Error(ErrorKind::Usage,
                 tr("the cascade's status no longer names node %1: press Refresh").arg(node));
}

void ErrorLogView::act(EventActionRequest::Kind kind, const QString &sql)
{
    auto where = nodeLocation(m_actNode);
    if (!where) {
        setActionStatus(tr("Cannot reach node %1: %2").arg(m_actNode, where.error().toString()),
                        true);
        emit actionFinished();
        return;
    }
    EventActionRequest request;
    request.kind = kind;
    request.where = *where;
    request.queue = m_config.queueName();
    request.eventId = m_actEvent;
    request.sql = sql;
    m_acting = true;
    updateActions();
    setActionStatus(kind == EventActionRequest::Describe
                        ? tr("Reading event %1 from the queue…").arg(m_actEvent)
                        : tr("Asking node %1…").arg(m_actNode),
                    false);
    runAsync<EventActionReply>(
        this, [request] { return runEventAction(request); },
        [this](const EventActionReply &reply) { onActed(reply); });
}

void ErrorLogView::onActed(const EventActionReply &reply)
{
    if (!reply.error.isEmpty()) {
        m_acting = false;
        updateActions();
        setActionStatus(tr("Node %1: %2").arg(m_actNode, reply.error), true);
        refresh(); // the list may be behind what the node says
        emit actionFinished();
        return;
    }
    QString what;
    if (reply.kind == EventActionRequest::Skip || reply.kind == EventActionRequest::Replace) {
        what = tr("%1 on %2").arg(EventResolution::opName(reply.fix.op), reply.fix.table);
        if (!reply.fix.key.isEmpty())
            what += tr(" · key %1").arg(reply.fix.key);
    }
    const QString noWorker
        = tr("No worker runs for node %1: start it and it goes on from there.").arg(reply.node);
    switch (reply.kind) {
    case EventActionRequest::Describe:
        if (m_after == EventActionRequest::Skip)
            confirmSkip(reply);
        else
            openEditor(reply);
        emit actionFinished();
        return;
    case EventActionRequest::Retry:
        setActionStatus(reply.workerRunning
                            ? tr("Asked the worker of node %1 to try again now.").arg(reply.node)
                            : tr("No worker runs for node %1: start it.").arg(reply.node),
                        false);
        break;
    case EventActionRequest::Skip:
        setActionStatus(
            tr("Skipped event %1 (%2) on node %3.").arg(reply.fix.eventId).arg(what, reply.node)
                + (reply.workerRunning ? QString() : QLatin1Char(' ') + noWorker),
            false);
        break;
    case EventActionRequest::Replace:
        setActionStatus(tr("Event %1 (%2) on node %3 is replaced by your SQL.")
                                .arg(reply.fix.eventId)
                                .arg(what, reply.node)
                            + (reply.workerRunning ? QString() : QLatin1Char(' ') + noWorker),
                        false);
        break;
    }
    m_acting = false;
    updateActions();
    if (reply.kind != EventActionRequest::Retry)
        refresh(); // the error is resolved now, saying how
    emit actionFinished();
}

void ErrorLogView::confirmSkip(const EventActionReply &described)
{
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Skip Event"),
                                tr("Skip event %1 on node %2?").arg(m_actEvent).arg(m_actNode),
                                QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("skipConfirm"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->setTextFormat(Qt::PlainText);
    box->setInformativeText(
        EditEventDialog::eventText(described.content) + QStringLiteral("\n\n")
        + tr("This change will not be applied on node %1. The rest of its batch and the events "
             "after it are applied; the root and the other nodes keep the change.")
              .arg(m_actNode));
    QPushButton *skip = box->addButton(tr("&Skip Event"), QMessageBox::AcceptRole);
    skip->setObjectName(QStringLiteral("confirmSkipButton"));
    QPushButton *cancel = box->addButton(QMessageBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelSkipButton"));
    box->setDefaultButton(cancel);
    fitTitle(box);
    connect(box, &QMessageBox::finished, this, [this, box, skip] {
        if (box->clickedButton() == skip) {
            act(EventActionRequest::Skip);
            return;
        }
        m_acting = false;
        updateActions();
        setActionStatus(tr("Nothing was skipped."), false);
    });
    m_confirm = box;
    box->open();
}

void ErrorLogView::openEditor(const EventActionReply &described)
{
    auto *dialog = new EditEventDialog(m_actNode, described.content, this);
    keepDialogGeometry(dialog, m_store, QStringLiteral("editEvent"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &QDialog::finished, this, [this, dialog](int result) {
        if (result == QDialog::Accepted) {
            confirmReplace(dialog->sql());
            return;
        }
        m_acting = false;
        updateActions();
        setActionStatus(tr("Nothing was applied."), false);
    });
    m_editor = dialog;
    dialog->open();
}

void ErrorLogView::confirmReplace(const QString &sql)
{
    auto *box = new QMessageBox(
        QMessageBox::Question, tr("Edit and Apply"),
        tr("Apply your SQL in place of event %1 on node %2?").arg(m_actEvent).arg(m_actNode),
        QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("replaceConfirm"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->setTextFormat(Qt::PlainText);
    box->setInformativeText(tr("It runs instead of the event, in the same transaction as the "
                               "rest of its batch; the event itself is not applied on node %1.")
                                .arg(m_actNode));
    box->setDetailedText(sql);
    QPushButton *apply = box->addButton(tr("&Apply"), QMessageBox::AcceptRole);
    apply->setObjectName(QStringLiteral("confirmReplaceButton"));
    QPushButton *cancel = box->addButton(QMessageBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelReplaceButton"));
    box->setDefaultButton(cancel);
    fitTitle(box);
    connect(box, &QMessageBox::finished, this, [this, box, apply, sql] {
        if (box->clickedButton() == apply) {
            act(EventActionRequest::Replace, sql);
            return;
        }
        m_acting = false;
        updateActions();
        setActionStatus(tr("Nothing was applied."), false);
    });
    m_confirm = box;
    box->open();
}

void ErrorLogView::retranslateUi()
{
    m_resolved->setText(tr("Show resolved"));
    m_refresh->setText(tr("Refresh"));
    m_retry->setText(tr("Retr&y Now"));
    m_retry->setToolTip(tr("Ends the worker's back-off wait: it applies the batch again now, "
                           "after you fixed the cause on the node"));
    m_skip->setText(tr("S&kip Event"));
    m_skip->setToolTip(tr("Leaves this one event out on this node, after showing it and asking; "
                          "the rest of its batch is applied"));
    m_edit->setText(tr("E&dit and Apply…"));
    m_edit->setToolTip(tr("Runs SQL you edit in place of this event, in the same transaction as "
                          "the rest of its batch; starts from the SQL Ferry runs for it"));
    m_list->setHeaderLabels(
        {tr("Last seen"), tr("Node"), tr("Where"), tr("Attempts"), tr("State"), tr("Message")});
    render();
}

void ErrorLogView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void ErrorLogView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_timer.start();
    refresh();
}

void ErrorLogView::hideEvent(QHideEvent *event)
{
    m_timer.stop();
    QWidget::hideEvent(event);
}

} // namespace ferry::gui
