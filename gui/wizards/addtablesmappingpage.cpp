#include "addtablesmappingpage.h"

#include "wizards/addtableswizard.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSet>
#include <QVBoxLayout>

namespace ferry::gui {

namespace {

QString sourceOf(const AddTablesMapping &m)
{
    return tableArgument(m.table.schema, m.table.name);
}

QString destinationOf(const AddTablesMapping &m)
{
    return tableArgument(m.destSchema.trimmed(), m.destName.trimmed());
}

const QString kErrorStyle = QStringLiteral("color: #b00020");

} // namespace

AddTablesMappingPage::AddTablesMappingPage(AddTablesWizard *wizard)
    : QWizardPage(wizard)
    , m_wizard(wizard)
{
    setObjectName(QStringLiteral("addTablesMappingPage"));
    setTitle(tr("Mapping"));
    setSubTitle(tr("Where each table goes on this node, and which of its rows and columns."));

    auto *renameLabel = new QLabel(tr("Rename sc&hema"), this);
    m_renameFrom = new QComboBox(this);
    m_renameFrom->setObjectName(QStringLiteral("addTablesRenameFrom"));
    m_renameFrom->setToolTip(tr("The provider's schema whose tables all go into another schema"));
    renameLabel->setBuddy(m_renameFrom);
    auto *toLabel = new QLabel(tr("t&o"), this);
    m_renameTo = new QLineEdit(this);
    m_renameTo->setObjectName(QStringLiteral("addTablesRenameTo"));
    m_renameTo->setPlaceholderText(tr("schema on this node"));
    m_renameTo->setToolTip(tr("The schema on this node that the chosen schema's tables go into"));
    toLabel->setBuddy(m_renameTo);
    m_rename = new QPushButton(tr("&Apply to all"), this);
    m_rename->setObjectName(QStringLiteral("addTablesRenameApply"));
    m_rename->setToolTip(tr("Set the destination schema of every chosen table of that schema"));

    auto *listLabel = new QLabel(tr("Chosen &tables:"), this);
    m_tables = new QListWidget(this);
    m_tables->setObjectName(QStringLiteral("addTablesMappingList"));
    m_tables->setToolTip(tr("The chosen tables and where they go; pick one to edit its mapping"));
    m_tables->setMinimumWidth(250);
    m_tables->setMaximumWidth(300);
    listLabel->setBuddy(m_tables);

    m_form = new QGroupBox(tr("The chosen table"), this);
    m_destSchema = new QLineEdit(m_form);
    m_destSchema->setObjectName(QStringLiteral("addTablesDestSchema"));
    m_destSchema->setToolTip(tr("The schema of the table on this node (default: the provider's)"));
    m_destName = new QLineEdit(m_form);
    m_destName->setObjectName(QStringLiteral("addTablesDestName"));
    m_destName->setToolTip(tr("The table's name on this node (default: the provider's)"));
    m_condition = new QLineEdit(m_form);
    m_condition->setObjectName(QStringLiteral("addTablesCondition"));
    m_condition->setPlaceholderText(tr("every row, or an SQL condition: userid < 1000"));
    m_condition->setToolTip(tr("Only the provider's rows that match this SQL condition over the "
                               "table's columns are copied and kept in step; empty: every row"));
    m_validate = new QPushButton(tr("&Validate"), m_form);
    m_validate->setObjectName(QStringLiteral("addTablesValidate"));
    m_validate->setToolTip(tr("Check the condition on the provider and count the rows it takes"));
    m_validate->setEnabled(false); // until there is a condition
    m_result = new QLabel(m_form);
    m_result->setObjectName(QStringLiteral("addTablesConditionResult"));
    m_result->setWordWrap(true);
    m_columns = new QListWidget(m_form);
    m_columns->setObjectName(QStringLiteral("addTablesColumns"));
    m_columns->setToolTip(tr("The columns replicated to this node; the primary key's always are"));
    m_create = new QCheckBox(tr("C&reate the destination if it is missing"), m_form);
    m_create->setObjectName(QStringLiteral("addTablesCreate"));
    m_create->setToolTip(tr("Make the table on this node from the provider's columns and "
                            "primary key when it does not exist"));
    m_indexes = new QCheckBox(tr("with its &indexes"), m_form);
    m_indexes->setObjectName(QStringLiteral("addTablesCreateIndexes"));
    m_indexes->setToolTip(tr("Also make the provider's other indexes on the new table"));

    auto *conditionRow = new QHBoxLayout;
    conditionRow->addWidget(m_condition, 1);
    conditionRow->addWidget(m_validate);
    auto *indexesRow = new QHBoxLayout;
    indexesRow->addSpacing(24); // under "Create ...": it is part of it
    indexesRow->addWidget(m_indexes, 1);
    auto *createRow = new QVBoxLayout;
    createRow->addWidget(m_create);
    createRow->addLayout(indexesRow);
    auto *form = new QFormLayout(m_form);
    form->addRow(tr("Destination &schema:"), m_destSchema);
    form->addRow(tr("Destination tab&le:"), m_destName);
    auto *conditionLabel = new QLabel(tr("Row con&dition:"), m_form);
    conditionLabel->setBuddy(m_condition);
    form->addRow(conditionLabel, conditionRow);
    form->addRow(QString(), m_result);
    form->addRow(tr("Colu&mns:"), m_columns);
    form->addRow(QString(), createRow);

    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("addTablesMappingBusy"));
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setMaximumHeight(8);
    m_busy->setToolTip(tr("Checking the row condition on the provider"));
    m_busy->hide();
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("addTablesMappingError"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(kErrorStyle);

    auto *renameRow = new QHBoxLayout;
    renameRow->addWidget(renameLabel);
    renameRow->addWidget(m_renameFrom);
    renameRow->addWidget(toLabel);
    renameRow->addWidget(m_renameTo, 1);
    renameRow->addWidget(m_rename);
    auto *left = new QVBoxLayout;
    left->addWidget(listLabel);
    left->addWidget(m_tables, 1);
    auto *middle = new QHBoxLayout;
    middle->addLayout(left);
    middle->addWidget(m_form, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(renameRow);
    layout->addLayout(middle, 1);
    layout->addWidget(m_busy);
    layout->addWidget(m_problem);

    setTabOrder(m_renameFrom, m_renameTo);
    setTabOrder(m_renameTo, m_rename);
    setTabOrder(m_rename, m_tables);
    setTabOrder(m_tables, m_destSchema);
    setTabOrder(m_destSchema, m_destName);
    setTabOrder(m_destName, m_condition);
    setTabOrder(m_condition, m_validate);
    setTabOrder(m_validate, m_columns);
    setTabOrder(m_columns, m_create);
    setTabOrder(m_create, m_indexes);

    connect(m_tables, &QListWidget::currentRowChanged, this, &AddTablesMappingPage::showCurrent);
    for (QLineEdit *edit : {m_destSchema, m_destName, m_condition}) {
        connect(edit, &QLineEdit::textEdited, this, [this] {
            storeCurrent();
            showResult();
            updateProblem();
        });
    }
    connect(m_condition, &QLineEdit::returnPressed, m_validate, &QPushButton::click);
    connect(m_create, &QCheckBox::toggled, this, [this](bool on) {
        m_indexes->setEnabled(on);
        storeCurrent();
    });
    connect(m_indexes, &QCheckBox::toggled, this, [this] { storeCurrent(); });
    connect(m_columns, &QListWidget::itemChanged, this, [this] { storeCurrent(); });
    connect(m_validate, &QPushButton::clicked, this, [this] {
        storeCurrent();
        m_wizard->validateCondition(m_tables->currentRow());
    });
    connect(m_rename, &QPushButton::clicked, this, &AddTablesMappingPage::renameSchema);
    connect(m_wizard, &AddTablesWizard::conditionChecked, this, [this](int index) {
        if (index == m_tables->currentRow())
            showResult();
        updateProblem();
    });
    connect(m_wizard, &AddTablesWizard::busyChanged, this, [this](bool busy) {
        m_busy->setVisible(busy); // a hidden page's bar shows nothing
        m_validate->setEnabled(!busy && !m_condition->text().trimmed().isEmpty());
        emit completeChanged();
    });
    connect(m_condition, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_validate->setEnabled(!m_wizard->isBusy() && !text.trimmed().isEmpty());
    });
}

void AddTablesMappingPage::initializePage()
{
    QStringList schemas;
    for (const AddTablesMapping &m : m_wizard->mappings()) {
        if (!schemas.contains(m.table.schema))
            schemas.append(m.table.schema);
    }
    m_renameFrom->clear();
    m_renameFrom->addItems(schemas);
    m_tables->clear();
    for (int i = 0; i < m_wizard->mappings().size(); ++i)
        m_tables->addItem(QString());
    refreshList();
    m_tables->setCurrentRow(0);
    showCurrent();
    updateProblem();
}

void AddTablesMappingPage::refreshList()
{
    const QList<AddTablesMapping> &mappings = m_wizard->mappings();
    for (int i = 0; i < mappings.size() && i < m_tables->count(); ++i) {
        const AddTablesMapping &m = mappings.at(i);
        // Two lines, so the list stays narrow: the table, then where it goes.
        QString text = sourceOf(m) + QLatin1Char('\n');
        text += destinationOf(m) != sourceOf(m) ? QStringLiteral("  → ") + destinationOf(m)
                                                : tr("  → same name");
        if (!m.condition.trimmed().isEmpty())
            text += tr(", where …");
        m_tables->item(i)->setText(text);
        m_tables->item(i)->setToolTip(
            m.condition.trimmed().isEmpty()
                ? tr("%1 into %2, every row").arg(sourceOf(m), destinationOf(m))
                : tr("%1 into %2, where %3")
                      .arg(sourceOf(m), destinationOf(m), m.condition.trimmed()));
    }
}

void AddTablesMappingPage::showCurrent()
{
    const int row = m_tables->currentRow();
    const bool any = row >= 0 && row < m_wizard->mappings().size();
    m_form->setEnabled(any);
    if (!any)
        return;
    const AddTablesMapping &m = m_wizard->mappings().at(row);
    m_showing = true;
    m_form->setTitle(tr("%1 from the provider").arg(sourceOf(m)));
    m_destSchema->setText(m.destSchema);
    m_destName->setText(m.destName);
    m_condition->setText(m.condition);
    m_create->setChecked(m.create);
    m_indexes->setChecked(m.createFull);
    m_indexes->setEnabled(m.create);
    m_columns->clear();
    for (const QString &column : m.table.columns) {
        auto *item = new QListWidgetItem(column, m_columns);
        const bool key = m.table.keyColumns.contains(column);
        item->setCheckState(key || m.columns.contains(column) ? Qt::Checked : Qt::Unchecked);
        // A key column is always kept: it names the row.
        item->setFlags(key ? Qt::ItemIsSelectable
                           : Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        item->setToolTip(key ? tr("%1 is in the primary key: always kept").arg(column)
                             : tr("Replicate column %1 to this node").arg(column));
    }
    m_showing = false;
    showResult();
}

void AddTablesMappingPage::storeCurrent()
{
    const int row = m_tables->currentRow();
    if (m_showing || row < 0 || row >= m_wizard->mappings().size())
        return;
    AddTablesMapping &m = m_wizard->mappings()[row];
    m.destSchema = m_destSchema->text().trimmed();
    m.destName = m_destName->text().trimmed();
    m.condition = m_condition->text();
    m.create = m_create->isChecked();
    m.createFull = m_indexes->isChecked();
    m.columns.clear();
    for (int i = 0; i < m_columns->count(); ++i) {
        if (m_columns->item(i)->checkState() == Qt::Checked)
            m.columns.append(m_columns->item(i)->text());
    }
    refreshList();
}

void AddTablesMappingPage::showResult()
{
    const int row = m_tables->currentRow();
    if (row < 0 || row >= m_wizard->mappings().size())
        return;
    const AddTablesMapping &m = m_wizard->mappings().at(row);
    const QString condition = m.condition.trimmed();
    bool failed = false;
    QString text;
    if (condition.isEmpty())
        text = tr("Every row is replicated.");
    else if (m.checkedCondition != condition)
        text = tr("Not validated yet: press Validate to check it on the provider.");
    else {
        text = m.conditionResult;
        failed = !m.conditionOk;
    }
    setWrappedText(m_result, text);
    m_result->setStyleSheet(failed ? kErrorStyle : QString());
}

void AddTablesMappingPage::renameSchema()
{
    const QString from = m_renameFrom->currentText();
    const QString to = m_renameTo->text().trimmed();
    if (from.isEmpty() || to.isEmpty())
        return;
    for (AddTablesMapping &m : m_wizard->mappings()) {
        if (m.table.schema == from)
            m.destSchema = to;
    }
    refreshList();
    showCurrent();
    updateProblem();
}

QString AddTablesMappingPage::problem() const
{
    const QList<AddTablesMapping> &mappings = m_wizard->mappings();
    QHash<QString, QString> into; // destination -> source
    for (const AddTablesMapping &m : mappings) {
        if (m.destSchema.trimmed().isEmpty() || m.destName.trimmed().isEmpty())
            return tr("Give %1 a destination schema and table name.").arg(sourceOf(m));
        if (!m.conditionValid()) {
            if (m.checkedCondition == m.condition.trimmed())
                return tr("%1: %2").arg(sourceOf(m), m.conditionResult);
            return tr("Press Validate to check the row condition of %1 on the provider.")
                .arg(sourceOf(m));
        }
        const QString dest = destinationOf(m);
        if (into.contains(dest))
            return tr("%1 and %2 both go into %3: give one of them another destination.")
                .arg(into.value(dest), sourceOf(m), dest);
        into.insert(dest, sourceOf(m));
    }
    return {};
}

void AddTablesMappingPage::updateProblem()
{
    setWrappedText(m_problem, problem());
    emit completeChanged();
}

bool AddTablesMappingPage::isComplete() const
{
    return !m_wizard->isBusy() && !m_wizard->mappings().isEmpty() && problem().isEmpty();
}

} // namespace ferry::gui
