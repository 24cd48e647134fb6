"""Property names each entity accepts (element names of its XSD complex type, in order).

Taken from the QBO v3 XSD (Finance.xsd); a JSON body naming anything else is refused with
2010 "Request has invalid or unsupported property", as the real service does. The JSON
attributes domain, sparse and status are accepted everywhere.
"""

from __future__ import annotations

# The XSD's type inheritance: Transaction -> SalesTransaction -> each sales form.
_TRANSACTION: tuple[str, ...] = (
    "Id", "SyncToken", "MetaData", "CustomField", "AttachableRef", "DocNumber", "TxnDate",
    "DepartmentRef", "CurrencyRef", "ExchangeRate", "PrivateNote", "TxnStatus", "LinkedTxn",
    "Line", "TxnTaxDetail", "TxnSource", "TaxFormType", "TaxFormNum", "TransactionLocationType",
    "Tag", "TxnApprovalInfo", "RecurDataRef", "RecurringInfo", "ProjectRef", "TotalCostAmount",
    "HomeTotalCostAmount",
)
_SALES_TRANSACTION: tuple[str, ...] = (
    "AutoDocNumber", "CustomerRef", "CustomerMemo", "BillAddr", "ShipAddr", "FreeFormAddress",
    "ShipFromAddr", "RemitToRef", "ClassRef", "SalesTermRef", "DueDate", "SalesRepRef", "PONumber",
    "FOB", "ShipMethodRef", "ShipDate", "TrackingNum", "GlobalTaxCalculation", "TotalAmt",
    "HomeTotalAmt", "ApplyTaxAfterDiscount", "ShippingTaxIncludedInTotalTax", "TemplateRef",
    "PrintStatus", "EmailStatus", "BillEmail", "BillEmailCc", "BillEmailBcc", "ARAccountRef",
    "Balance", "HomeBalance", "FinanceCharge", "PaymentMethodRef", "PaymentRefNum", "PaymentType",
    "CheckPayment", "CreditCardPayment", "DepositToAccountRef", "DeliveryInfo", "DiscountRate",
    "DiscountAmt", "GovtTxnRefIdentifier", "TaxExemptionRef",
)

FIELDS: dict[str, tuple[str, ...]] = {
    "Customer": (
        "Id", "SyncToken", "MetaData", "CustomField", "AttachableRef", "IntuitId",
        "Organization", "Title", "GivenName", "MiddleName", "FamilyName", "Suffix",
        "FullyQualifiedName", "CompanyName", "DisplayName", "PrintOnCheckName", "UserId",
        "Active", "V4IDPseudonym", "PrimaryPhone", "AlternatePhone", "Mobile", "Fax",
        "PrimaryEmailAddr", "WebAddr", "OtherContactInfo", "DefaultTaxCodeRef", "Taxable",
        "BillAddr", "ShipAddr", "OtherAddr", "ContactName", "AltContactName", "Notes", "Job",
        "BillWithParent", "RootCustomerRef", "ParentRef", "Level", "CustomerTypeRef",
        "SalesTermRef", "SalesRepRef", "TaxGroupCodeRef", "TaxRateRef", "PaymentMethodRef",
        "CCDetail", "PriceLevelRef", "Balance", "OpenBalanceDate", "BalanceWithJobs",
        "CreditLimit", "AcctNum", "CurrencyRef", "OverDueBalance", "TotalRevenue",
        "TotalExpense", "PreferredDeliveryMethod", "ResaleNum", "JobInfo", "TDSEnabled",
        "CustomerEx", "SecondaryTaxIdentifier", "ARAccountRef", "PrimaryTaxIdentifier",
        "TaxExemptionReasonId", "IsProject", "BusinessNumber", "GSTIN", "GSTRegistrationType",
        "IsCISContractor", "ClientCompanyId", "ClientEntityId", "Source", "TaxRegime"
    ),
    "Item": (
        "Id", "SyncToken", "MetaData", "CustomField", "AttachableRef", "Name", "Sku",
        "Description", "Active", "SubItem", "ParentRef", "Level", "FullyQualifiedName",
        "Taxable", "SalesTaxIncluded", "PercentBased", "UnitPrice", "RatePercent", "Type",
        "PaymentMethodRef", "UOMSetRef", "IncomeAccountRef", "PurchaseDesc",
        "PurchaseTaxIncluded", "PurchaseCost", "ExpenseAccountRef", "COGSAccountRef",
        "AssetAccountRef", "PrefVendorRef", "AvgCost", "TrackQtyOnHand", "QtyOnHand",
        "QtyOnPurchaseOrder", "QtyOnSalesOrder", "ReorderPoint", "ManPartNum",
        "DepositToAccountRef", "SalesTaxCodeRef", "PurchaseTaxCodeRef", "InvStartDate",
        "BuildPoint", "PrintGroupedItems", "SpecialItem", "SpecialItemType", "ItemGroupDetail",
        "ItemAssemblyDetail", "AbatementRate", "ReverseChargeRate", "ServiceType",
        "ItemCategoryType", "ItemEx", "TaxClassificationRef", "UQCDisplayText", "UQCId",
        "ClassRef", "Source", "DeferredRevenue"
    ),
    "SalesReceipt": _TRANSACTION + _SALES_TRANSACTION + (
        "SalesReceiptEx", "LessCIS",
    ),
    "Invoice": _TRANSACTION + _SALES_TRANSACTION + (
        "Deposit", "AllowIPNPayment", "AllowOnlinePayment", "AllowOnlineCreditCardPayment",
        "AllowOnlineACHPayment", "AllowOnlinePayPalPayment", "EInvoiceStatus",
        "ECloudStatusTimeStamp", "CfdiUse", "Exportation", "GlobalInfo", "invoiceStatus",
        "callToAction", "invoiceStatusLog", "InvoiceEx", "LessCIS", "InvoiceLink",
        "PaymentDetailsMessage", "ConvenienceFeeDetail", "InvoiceLinkSecurityCode",
        "InvoiceLinkExpiryDate", "AutoPayEligible", "SchedulePayEligible", "ScheduledPaymentId",
        "GratuityEnabled", "FinancingProductType", "SubscriptionPaymentsSetting",
    ),
    "Payment": (
        *_TRANSACTION,
        "CustomerRef", "RemitToRef", "ARAccountRef", "DepositToAccountRef", "PaymentMethodRef",
        "PaymentRefNum", "PaymentType", "CheckPayment", "CreditCardPayment", "TotalAmt",
        "UnappliedAmt", "ProcessPayment", "PaymentEx",
    ),
    "RefundReceipt": _TRANSACTION + _SALES_TRANSACTION + (
        "RemainingCredit", "RefundReceiptEx",
    ),
    "CreditMemo": _TRANSACTION + _SALES_TRANSACTION + (
        "RemainingCredit", "InvoiceRef", "CreditMemoEx",
    ),
    "Account": (
        "Id", "SyncToken", "MetaData", "CustomField", "AttachableRef", "Name", "SubAccount",
        "ParentRef", "Description", "FullyQualifiedName", "AccountAlias", "TxnLocationType",
        "Active", "Classification", "AccountType", "AccountSubType", "AccountPurposes",
        "AcctNum", "AcctNumExtn", "BankNum", "OpeningBalance", "OpeningBalanceDate",
        "CurrentBalance", "CurrentBalanceWithSubAccounts", "CurrencyRef", "TaxAccount",
        "TaxCodeRef", "OnlineBankingEnabled", "FIName", "JournalCodeRef", "AccountEx"
    ),
    "PaymentMethod": (
        "Id", "SyncToken", "MetaData", "CustomField", "AttachableRef", "Name", "Active", "Type",
        "PaymentMethodEx"
    ),
    "TaxCode": (
        "Id", "SyncToken", "MetaData", "CustomField", "AttachableRef", "Name", "Description",
        "Active", "Hidden", "Taxable", "TaxGroup", "SalesTaxRateList", "PurchaseTaxRateList",
        "AdjustmentTaxRateList", "TaxCodeEx", "TaxCodeConfigType"
    ),
    "TaxRate": (
        "Id", "SyncToken", "MetaData", "CustomField", "AttachableRef", "Name", "Description",
        "Active", "RateValue", "AgencyRef", "TaxReturnLineRef", "EffectiveTaxRate",
        "SpecialTaxType", "DisplayType", "TaxRateEx", "OriginalTaxRate"
    ),
    "TaxAgency": (
        "Id", "SyncToken", "MetaData", "CustomField", "AttachableRef", "DisplayName", "Active",
        "SalesTaxCodeRef", "SalesTaxCountry", "SalesTaxReturnRef", "TaxRegistrationNumber",
        "ReportingPeriod", "TaxTrackedOnPurchases", "TaxOnPurchasesAccountRef",
        "TaxTrackedOnSales", "TaxTrackedOnSalesAccountRef", "TaxOnTax", "LastFileDate",
        "TaxAgencyExt", "TaxAgencyConfig"
    ),
    "Term": (
        "Id", "SyncToken", "MetaData", "CustomField", "AttachableRef", "Name", "Active", "Type",
        "DiscountPercent", "DueDays", "DiscountDays", "DayOfMonthDue", "DueNextMonthDays",
        "DiscountDayOfMonth", "SalesTermEx"
    ),
    "CompanyInfo": (
        "Id", "SyncToken", "MetaData", "CustomField", "AttachableRef", "CompanyName",
        "LegalName", "CompanyAddr", "CustomerCommunicationAddr", "LegalAddr",
        "CompanyEmailAddr", "CustomerCommunicationEmailAddr", "CompanyURL", "PrimaryPhone",
        "OtherContactInfo", "CompanyFileName", "FlavorStratum", "SampleFile", "CompanyUserId",
        "CompanyUserAdminEmail", "CompanyStartDate", "EmployerId", "FiscalYearStartMonth",
        "TaxYearStartMonth", "QBVersion", "Country", "ShipAddr", "OtherAddr", "Mobile", "Fax",
        "Email", "WebAddr", "LastImportedTime", "LastSyncTime", "SupportedLanguages",
        "DefaultTimeZone", "MultiByteCharsSupported", "NameValue", "FifoCalculationStatus",
        "CompanyInfoEx"
    ),
    "Preferences": (
        "Id", "SyncToken", "MetaData", "CustomField", "AttachableRef", "AccountingInfoPrefs",
        "AdvancedInventoryPrefs", "ProductAndServicesPrefs", "SalesFormsPrefs",
        "EmailMessagesPrefs", "PrintDocumentPrefs", "VendorAndPurchasesPrefs",
        "TimeTrackingPrefs", "TaxPrefs", "FinanceChargesPrefs", "CurrencyPrefs", "ReportPrefs",
        "OtherPrefs"
    ),
    "Line": (
        "Id", "LineNum", "Description", "Amount", "Received", "LinkedTxn", "DetailType",
        "PaymentLineDetail", "DiscountLineDetail", "TaxLineDetail", "SalesItemLineDetail",
        "DescriptionLineDetail", "ItemBasedExpenseLineDetail", "AccountBasedExpenseLineDetail",
        "ReimburseLineDetail", "DepositLineDetail", "PurchaseOrderItemLineDetail",
        "SalesOrderItemLineDetail", "ItemReceiptLineDetail", "JournalEntryLineDetail",
        "GroupLineDetail", "SubTotalLineDetail", "TDSLineDetail", "ItemAdjustmentLineDetail",
        "CustomField", "LineEx", "ProjectRef", "CostAmount", "HomeCostAmount"
    ),
}

ATTRIBUTES: frozenset[str] = frozenset({"domain", "sparse", "status"})
