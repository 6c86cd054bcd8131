# A plain CSV export: comma-separated, decimal point, ISO dates, one signed amount.
delimiter = ,
decimal = .
date_format = %Y-%m-%d
column.booked_on = date
column.value_on = value_date
column.amount = amount
column.currency = currency
column.reference = reference
column.counterparty_name = counterparty
column.counterparty_account = counterparty_iban
column.remittance = text
