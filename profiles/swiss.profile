# A Swiss bank's export: semicolons, decimal comma, dates as 31.12.2017, one signed
# amount in the account's currency (CHF; copy this file and change it for another account).
delimiter = ;
decimal = ,
date_format = %d.%m.%Y
currency = CHF
column.booked_on = Buchungsdatum
column.value_on = Valuta
column.amount = Betrag
column.reference = Referenz
column.counterparty_name = Auftraggeber
column.counterparty_account = IBAN Auftraggeber
column.remittance = Mitteilung
