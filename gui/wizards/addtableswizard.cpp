#include "addtableswizard.h"

#include "common/asynctask.h"
#include "wizards/addtablesmappingpage.h"
#include "wizards/addtablessummarypage.h"
#include "wizards/addtablestablespage.h"
#include "wizards/addtablestasks.h"

#include <QAbstractButton>
#include <QLabel>
#include <QLocale>

namespace ferry::gui {

void setWrappedText(QLabel *label, const QString &text)
{
    label->setText(text);
    const int width = label->width() > 0 ? label->width() : 600;
    label->setMinimumHeight(text.isEmpty() ? 0 : label->heightForWidth(width));
}

AddTablesWizard::AddTablesWizard(const JobConfig &node, QWidget *parent, const QString &otherNode)
    : QWizard(parent)
    , m_config(node)
    , m_otherNode(otherNode)
{
    setObjectName(QStringLiteral("addTablesWizard"));
    // The node's name once read (its own config's job until then).
    setWindowTitle(tr("Add Tables — %1").arg(otherNode.isEmpty() ? node.jobName() : otherNode));
    setWizardStyle(QWizard::ClassicStyle);
    setOption(QWizard::NoBackButtonOnStartPage);
    m_tablesPage = new AddTablesTablesPage(this);
    m_mappingPage = new AddTablesMappingPage(this);
    m_summaryPage = new AddTablesSummaryPage(this);
    setPage(TablesPage, m_tablesPage);
    setPage(MappingPage, m_mappingPage);
    setPage(SummaryPage, m_summaryPage);
    setStartId(TablesPage);
    // Fits a 1366x768 screen with room for the panel and the title bar.
    resize(820, 600);
    setMinimumSize(640, 480);
    button(QWizard::CancelButton)->setObjectName(QStringLiteral("addTablesCancel"));
    button(QWizard::CancelButton)->setToolTip(tr("Close the wizard; no table is added"));
    button(QWizard::NextButton)->setObjectName(QStringLiteral("addTablesNext"));
    button(QWizard::BackButton)->setObjectName(QStringLiteral("addTablesBack"));
    button(QWizard::FinishButton)->setObjectName(QStringLiteral("addTablesFinish"));
    button(QWizard::FinishButton)
        ->setToolTip(tr("Add the tables in one transaction; the node's worker then copies them"));
}

AddTablesWizard *
AddTablesWizard::open(QWidget *parent, const JobConfig &node, const QString &otherNode)
{
    auto *wizard = new AddTablesWizard(node, parent, otherNode);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    wizard->QWizard::open();
    return wizard;
}

void AddTablesWizard::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    // Nothing may be added behind a closed wizard.
    button(QWizard::CancelButton)->setEnabled(!m_adding);
    button(QWizard::BackButton)->setEnabled(!busy && currentId() != startId());
    emit busyChanged(busy);
}

void AddTablesWizard::loadCatalog()
{
    if (m_busy)
        return;
    setBusy(true);
    const JobConfig config = m_config;
    runAsync<AddTablesCatalogReply>(
        this, [config] { return readAddTablesCatalog(config); },
        [this](const AddTablesCatalogReply &reply) {
            m_loaded = reply.ok;
            m_catalogError = reply.ok ? QString() : reply.error;
            if (reply.ok) {
                m_node = reply.info;
                m_catalog = reply.tables;
                setWindowTitle(tr("Add Tables — %1").arg(m_node.name));
            }
            setBusy(false);
            emit catalogLoaded();
        });
}

void AddTablesWizard::setChosen(const QList<CatalogTable> &tables)
{
    QList<AddTablesMapping> chosen;
    for (const CatalogTable &t : tables) {
        auto kept = std::find_if(m_mappings.cbegin(), m_mappings.cend(), [&t](const auto &m) {
            return m.table.schema == t.schema && m.table.name == t.name;
        });
        if (kept != m_mappings.cend()) {
            chosen.append(*kept);
            continue;
        }
        AddTablesMapping m;
        m.table = t;
        m.destSchema = t.schema;
        m.destName = t.name;
        m.columns = t.columns;
        chosen.append(m);
    }
    m_mappings = chosen;
}

QList<TableChoice> AddTablesWizard::choices() const
{
    QList<TableChoice> out;
    for (const AddTablesMapping &m : m_mappings) {
        TableChoice c;
        c.name = tableArgument(m.table.schema, m.table.name);
        if (!isRoot()) {
            if (m.destSchema != m.table.schema || m.destName != m.table.name)
                c.options.destTable = tableArgument(m.destSchema, m.destName);
            c.options.condition = m.condition.trimmed();
            // Quoted as add-table reads them ("Id" would fold to id), the
            // same text the Summary's command shows.
            if (m.columns.size() != m.table.columns.size()) {
                for (const QString &column : m.columns)
                    c.options.columns.append(identifierArgument(column));
            }
            c.options.create = m.create && !m.createFull;
            c.options.createFull = m.create && m.createFull;
        }
        out.append(c);
    }
    return out;
}

QString AddTablesWizard::commandConfig() const
{
    return m_otherNode.isEmpty() ? m_config.path() : m_otherNode + QStringLiteral(".ini");
}

QString AddTablesWizard::commandConfigNote() const
{
    if (m_otherNode.isEmpty())
        return {};
    return tr("%1 stands for node %2's config: run these commands with it.")
        .arg(commandConfig(), m_otherNode);
}

QStringList AddTablesWizard::commands() const
{
    return addTableCommands(commandConfig(), choices());
}

void AddTablesWizard::validateCondition(int index)
{
    if (m_busy || index < 0 || index >= m_mappings.size())
        return;
    const AddTablesMapping &m = m_mappings.at(index);
    const QString condition = m.condition.trimmed();
    const QString schema = m.table.schema;
    const QString name = m.table.name;
    if (condition.isEmpty())
        return;
    setBusy(true);
    const JobConfig config = m_config;
    const int lockTimeoutMs = m_lockTimeoutMs;
    runAsync<AddTablesConditionReply>(
        this,
        [config, schema, name, condition, lockTimeoutMs] {
            return checkAddTablesCondition(config, schema, name, condition, lockTimeoutMs);
        },
        [this, index, schema, name, condition](const AddTablesConditionReply &reply) {
            setBusy(false);
            if (index >= m_mappings.size() || m_mappings.at(index).table.schema != schema
                || m_mappings.at(index).table.name != name)
                return; // the choice changed meanwhile
            AddTablesMapping &checked = m_mappings[index];
            checked.checkedCondition = condition;
            checked.conditionOk = reply.ok;
            if (!reply.ok) {
                checked.conditionResult = reply.error;
            } else {
                const QString rows = QLocale().toString(reply.rows.rows);
                switch (reply.rows.kind) {
                case ConditionRows::Kind::Exact:
                    // Exact counts stop at checkRowCondition()'s limit: an int.
                    checked.conditionResult
                        = tr("%Ln row(s) of %1 match", nullptr, int(reply.rows.rows))
                              .arg(tableArgument(schema, name));
                    break;
                case ConditionRows::Kind::AtLeast:
                    checked.conditionResult = tr("more than %1 rows of %2 match")
                                                  .arg(rows, tableArgument(schema, name));
                    break;
                case ConditionRows::Kind::Estimate:
                    checked.conditionResult
                        = tr("about %1 rows of %2 match (the planner's estimate: "
                             "counting them took too long)")
                              .arg(rows, tableArgument(schema, name));
                    break;
                }
            }
            emit conditionChecked(index);
        });
}

int AddTablesWizard::nextId() const
{
    switch (currentId()) {
    case TablesPage:
        return isRoot() ? SummaryPage : MappingPage;
    case MappingPage:
        return SummaryPage;
    default:
        return -1;
    }
}

void AddTablesWizard::accept()
{
    if (m_added) {
        QWizard::accept();
        return;
    }
    if (m_busy)
        return;
    m_adding = true;
    m_addError.clear();
    setBusy(true);
    const JobConfig config = m_config;
    const QList<TableChoice> chosen = choices();
    QStringList destinations;
    for (const AddTablesMapping &m : std::as_const(m_mappings))
        destinations.append(tableArgument(m.destSchema, m.destName));
    runAsync<AddTablesReply>(
        this, [config, chosen] { return addChosenTables(config, chosen); },
        [this, destinations](const AddTablesReply &reply) {
            m_adding = false;
            setBusy(false);
            button(QWizard::CancelButton)->setEnabled(true);
            if (!reply.ok) {
                m_addError = reply.error;
                emit addFailed(reply.error);
                return;
            }
            m_added = true;
            emit tablesAdded(destinations);
            QWizard::accept();
        });
}

void AddTablesWizard::reject()
{
    if (m_adding)
        return; // the transaction decides; the wizard closes once it did
    QWizard::reject();
}

} // namespace ferry::gui
