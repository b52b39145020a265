#include "resolvedialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Laces::App {

ResolveDialog::ResolveDialog(const QString &ticketTitle, const QString &component, QWidget *parent)
    : QDialog(parent)
    , m_code(new QComboBox(this))
    , m_component(new QLineEdit(component, this))
    , m_notes(new QPlainTextEdit(this))
{
    setWindowTitle(tr("Resolve ticket"));
    m_code->setObjectName(QStringLiteral("resolutionCode"));
    m_code->addItem(tr("Failure found and repaired"), QStringLiteral("failure"));
    m_code->addItem(tr("No fault found"), QStringLiteral("no_fault"));
    m_code->addItem(tr("Preventive maintenance"), QStringLiteral("preventive"));
    m_notes->setObjectName(QStringLiteral("resolutionNotes"));
    m_notes->setTabChangesFocus(true);
    m_notes->setPlaceholderText(tr("What was found and done"));
    auto *form = new QFormLayout;
    auto *codeLabel = new QLabel(tr("&Outcome:"), this);
    codeLabel->setBuddy(m_code);
    form->addRow(codeLabel, m_code);
    auto *componentLabel = new QLabel(tr("&Component:"), this);
    componentLabel->setBuddy(m_component);
    form->addRow(componentLabel, m_component);
    auto *notesLabel = new QLabel(tr("&Notes:"), this);
    notesLabel->setBuddy(m_notes);
    form->addRow(notesLabel, m_notes);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Resolve"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *title = new QLabel(ticketTitle.toHtmlEscaped().prepend(QStringLiteral("<b>")).append(QStringLiteral("</b>")), this);
    title->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addLayout(form);
    layout->addWidget(buttons);
    resize(420, 300);
}

QJsonObject ResolveDialog::resolution() const
{
    QJsonObject resolution{{QStringLiteral("code"), m_code->currentData().toString()}};
    if (!m_component->text().trimmed().isEmpty())
        resolution.insert(QStringLiteral("component"), m_component->text().trimmed());
    if (!m_notes->toPlainText().trimmed().isEmpty())
        resolution.insert(QStringLiteral("notes"), m_notes->toPlainText().trimmed());
    return resolution;
}

void ResolveDialog::setCode(const QString &code)
{
    m_code->setCurrentIndex(std::max(0, m_code->findData(code)));
}

void ResolveDialog::setNotes(const QString &notes)
{
    m_notes->setPlainText(notes);
}

} // namespace Laces::App
