"""Element order (qbXML 13.0 ``xsd:sequence``) of what this simulator reads and writes.

Declared here for the simulator alone (it shares no code with the client). ``ORDER`` gives the
children of the records it returns (and of a few nested aggregates); ``ADD_ORDER`` the children of
the Add/Mod aggregates it checks when no XSD is at hand, with their ``maxLength`` facets.
"""

from __future__ import annotations

from lxml import etree

_LIST = ("ListID", "TimeCreated", "TimeModified", "EditSequence", "Name", "FullName",
         "BarCodeValue", "IsActive", "ClassRef", "ParentRef", "Sublevel")
_ADDRESS = ("Addr1", "Addr2", "Addr3", "Addr4", "Addr5", "City", "State", "PostalCode",
            "Country", "Note")
_LINE = ("TxnLineID", "ItemRef", "Desc", "Quantity", "UnitOfMeasure", "Rate", "RatePercent",
         "ClassRef", "Amount", "TaxAmount", "ServiceDate", "SalesTaxCodeRef", "IsTaxable",
         "Other1", "Other2")
_SALES_HEAD = ("TxnID", "TimeCreated", "TimeModified", "EditSequence", "TxnNumber",
               "CustomerRef", "ClassRef", "ARAccountRef", "TemplateRef", "TxnDate", "RefNumber",
               "BillAddress", "ShipAddress", "IsPending", "CheckNumber", "PaymentMethodRef",
               "PONumber", "DueDate", "ShipDate", "Subtotal", "ItemSalesTaxRef",
               "SalesTaxPercentage", "SalesTaxTotal")
ORDER: dict[str, tuple[str, ...]] = {
    "CustomerRet": (*_LIST[:7], "IsActive", "ClassRef", "ParentRef", "Sublevel", "CompanyName",
                    "FirstName", "LastName", "BillAddress", "ShipAddress", "Phone", "Email",
                    "Balance", "TotalBalance", "SalesTaxCodeRef", "ItemSalesTaxRef", "JobStatus",
                    "Notes", "CurrencyRef"),
    "VendorRet": ("ListID", "TimeCreated", "TimeModified", "EditSequence", "Name", "IsActive",
                  "IsTaxAgency", "CompanyName"),
    "EmployeeRet": ("ListID", "TimeCreated", "TimeModified", "EditSequence", "Name", "IsActive"),
    "OtherNameRet": ("ListID", "TimeCreated", "TimeModified", "EditSequence", "Name", "IsActive"),
    "AccountRet": ("ListID", "TimeCreated", "TimeModified", "EditSequence", "Name", "FullName",
                   "IsActive", "ParentRef", "Sublevel", "AccountType", "SpecialAccountType",
                   "Balance", "TotalBalance"),
    "PaymentMethodRet": ("ListID", "TimeCreated", "TimeModified", "EditSequence", "Name",
                         "IsActive", "PaymentMethodType"),
    "SalesTaxCodeRet": ("ListID", "TimeCreated", "TimeModified", "EditSequence", "Name",
                        "IsActive", "IsTaxable", "Desc"),
    "ItemInventoryRet": (*_LIST, "ManufacturerPartNumber", "SalesTaxCodeRef", "SalesDesc",
                         "SalesPrice", "IncomeAccountRef", "PurchaseDesc", "PurchaseCost",
                         "COGSAccountRef", "AssetAccountRef", "ReorderPoint", "QuantityOnHand",
                         "AverageCost", "QuantityOnOrder", "QuantityOnSalesOrder"),
    "ItemNonInventoryRet": (*_LIST, "ManufacturerPartNumber", "SalesTaxCodeRef",
                            "SalesOrPurchase"),
    "ItemServiceRet": (*_LIST, "SalesTaxCodeRef", "SalesOrPurchase"),
    "ItemOtherChargeRet": (*_LIST, "SalesTaxCodeRef", "SalesOrPurchase"),
    "ItemDiscountRet": (*_LIST, "ItemDesc", "SalesTaxCodeRef", "DiscountRate", "AccountRef"),
    "ItemSalesTaxRet": ("ListID", "TimeCreated", "TimeModified", "EditSequence", "Name",
                        "BarCodeValue", "IsActive", "ClassRef", "ItemDesc", "TaxRate",
                        "TaxVendorRef"),
    "SalesOrPurchase": ("Desc", "Price", "PricePercent", "AccountRef"),
    "BillAddress": _ADDRESS,
    "ShipAddress": _ADDRESS,
    "SalesReceiptRet": (*[f for f in _SALES_HEAD if f not in ("ARAccountRef", "PONumber")],
                        "TotalAmount", "CurrencyRef", "ExchangeRate",
                        "TotalAmountInHomeCurrency", "Memo", "IsToBePrinted",
                        "CustomerSalesTaxCodeRef", "DepositToAccountRef", "Other",
                        "SalesReceiptLineRet"),
    "InvoiceRet": (*[f for f in _SALES_HEAD if f != "CheckNumber"], "AppliedAmount",
                   "BalanceRemaining", "CurrencyRef", "ExchangeRate",
                   "BalanceRemainingInHomeCurrency", "Memo", "IsPaid", "IsToBePrinted",
                   "CustomerSalesTaxCodeRef", "Other", "LinkedTxn", "InvoiceLineRet"),
    "CreditMemoRet": (*[f for f in _SALES_HEAD if f not in ("CheckNumber", "PaymentMethodRef")],
                      "TotalAmount", "CreditRemaining", "CurrencyRef", "ExchangeRate",
                      "CreditRemainingInHomeCurrency", "Memo", "IsToBePrinted",
                      "CustomerSalesTaxCodeRef", "Other", "CreditMemoLineRet"),
    "ReceivePaymentRet": ("TxnID", "TimeCreated", "TimeModified", "EditSequence", "TxnNumber",
                          "CustomerRef", "ARAccountRef", "TxnDate", "RefNumber", "TotalAmount",
                          "CurrencyRef", "ExchangeRate", "TotalAmountInHomeCurrency",
                          "PaymentMethodRef", "Memo", "DepositToAccountRef", "UnusedPayment",
                          "UnusedCredits", "AppliedToTxnRet"),
    "ARRefundCreditCardRet": ("TxnID", "TimeCreated", "TimeModified", "EditSequence",
                              "TxnNumber", "CustomerRef", "RefundFromAccountRef",
                              "ARAccountRef", "TxnDate", "RefNumber", "TotalAmount",
                              "CurrencyRef", "ExchangeRate", "TotalAmountInHomeCurrency",
                              "Address", "AddressBlock", "PaymentMethodRef", "Memo",
                              "CreditCardTxnInfo", "ExternalGUID", "RefundAppliedToTxnRet"),
    "RefundAppliedToTxnRet": ("TxnID", "TxnType", "TxnDate", "RefNumber", "CreditRemaining",
                              "RefundAmount", "CreditRemainingInHomeCurrency",
                              "RefundAmountInHomeCurrency"),
    "ReceivePaymentToDepositRet": ("TxnID", "TxnLineID", "TxnType", "CustomerRef", "TxnDate",
                                   "RefNumber", "Amount"),
    "LinkedTxn": ("TxnID", "TxnType", "TxnDate", "RefNumber", "LinkType", "Amount"),
    "AppliedToTxnRet": ("TxnID", "TxnType", "TxnDate", "RefNumber", "BalanceRemaining",
                        "Amount"),
    "TxnDeletedRet": ("TxnDelType", "TxnID", "TimeCreated", "TimeDeleted", "RefNumber"),
    "ListDeletedRet": ("ListDelType", "ListID", "TimeCreated", "TimeDeleted", "FullName"),
    "TransactionRet": ("TxnType", "TxnID", "TimeCreated", "TimeModified", "EntityRef",
                       "AccountRef", "TxnDate", "RefNumber", "Amount", "Memo"),
    "SalesReceiptLineRet": _LINE,
    "InvoiceLineRet": _LINE,
    "CreditMemoLineRet": _LINE,
    "ErrorRecovery": ("ListID", "TxnID", "TxnNumber", "EditSequence"),
    "PreferencesRet": ("AccountingPreferences", "MultiCurrencyPreferences",
                       "SalesTaxPreferences", "CurrentAppAccessRights"),
    "AccountingPreferences": ("IsUsingAccountNumbers", "IsRequiringAccounts",
                              "IsUsingClassTracking", "IsUsingAuditTrail",
                              "IsAssigningJournalEntryNumbers", "ClosingDate"),
    "MultiCurrencyPreferences": ("IsMultiCurrencyOn", "HomeCurrencyRef"),
    "SalesTaxPreferences": ("DefaultItemSalesTaxRef", "PaySalesTax",
                            "DefaultTaxableSalesTaxCodeRef", "DefaultNonTaxableSalesTaxCodeRef"),
}
_LINE_ADD = (("ItemRef", 0), ("Desc", 4095), ("Quantity", 0), ("UnitOfMeasure", 31),
             ("Rate", 0), ("RatePercent", 0), ("PriceLevelRef", 0), ("ClassRef", 0),
             ("Amount", 0), ("TaxAmount", 0), ("OptionForPriceRuleConflict", 0),
             ("InventorySiteRef", 0), ("InventorySiteLocationRef", 0), ("SerialNumber", 4095),
             ("LotNumber", 40), ("ServiceDate", 0), ("SalesTaxCodeRef", 0), ("IsTaxable", 0),
             ("OverrideItemAccountRef", 0), ("Other1", 29), ("Other2", 29), ("LinkToTxn", 0),
             ("CreditCardTxnInfo", 0), ("DataExt", 0))
_FORM = (("CustomerRef", 0), ("ClassRef", 0), ("ARAccountRef", 0), ("TemplateRef", 0),
         ("TxnDate", 0), ("RefNumber", 11), ("BillAddress", 0), ("ShipAddress", 0),
         ("IsPending", 0), ("CheckNumber", 25), ("PaymentMethodRef", 0),
         ("IsFinanceCharge", 0), ("PONumber", 25), ("TermsRef", 0), ("DueDate", 0),
         ("SalesRepRef", 0), ("FOB", 13), ("ShipDate", 0), ("ShipMethodRef", 0),
         ("ItemSalesTaxRef", 0), ("Memo", 4095), ("CustomerMsgRef", 0), ("IsToBePrinted", 0),
         ("IsToBeEmailed", 0), ("IsTaxIncluded", 0), ("CustomerSalesTaxCodeRef", 0),
         ("DepositToAccountRef", 0), ("CreditCardTxnInfo", 0), ("Other", 29),
         ("ExchangeRate", 0), ("ExternalGUID", 0), ("LinkToTxnID", 0), ("SetCredit", 0))
_LINES = {"SalesReceiptAdd": "SalesReceiptLineAdd", "InvoiceAdd": "InvoiceLineAdd",
          "CreditMemoAdd": "CreditMemoLineAdd"}
_MOD_LINES = {"SalesReceiptMod": "SalesReceiptLineMod", "InvoiceMod": "InvoiceLineMod",
              "CreditMemoMod": "CreditMemoLineMod"}
ADD_ORDER: dict[str, tuple[tuple[str, int], ...]] = {
    **{form: (*_FORM, (line, 0)) for form, line in _LINES.items()},
    **{line: _LINE_ADD for line in _LINES.values()},
    **{form: (("TxnID", 0), ("EditSequence", 16), *_FORM, (line, 0))
       for form, line in _MOD_LINES.items()},
    **{line: (("TxnLineID", 0), *_LINE_ADD) for line in _MOD_LINES.values()},
    "CustomerAdd": (("Name", 41), ("IsActive", 0), ("ClassRef", 0), ("ParentRef", 0),
                    ("CompanyName", 41), ("Salutation", 15), ("FirstName", 25),
                    ("MiddleName", 5), ("LastName", 25), ("Suffix", 10), ("JobTitle", 41),
                    ("BillAddress", 0), ("ShipAddress", 0), ("ShipToAddress", 0),
                    ("PrintAs", 41), ("Phone", 21), ("Mobile", 21), ("Pager", 21),
                    ("AltPhone", 21), ("Fax", 21), ("Email", 1023), ("Cc", 1023),
                    ("Contact", 41), ("AltContact", 41), ("Notes", 4095),
                    ("ExternalGUID", 0), ("CurrencyRef", 0)),
    "ReceivePaymentAdd": (("CustomerRef", 0), ("ARAccountRef", 0), ("TxnDate", 0),
                          ("RefNumber", 20), ("TotalAmount", 0), ("ExchangeRate", 0),
                          ("PaymentMethodRef", 0), ("Memo", 4095), ("DepositToAccountRef", 0),
                          ("CreditCardTxnInfo", 0), ("ExternalGUID", 0), ("IsAutoApply", 0),
                          ("AppliedToTxnAdd", 0)),
    "ARRefundCreditCardAdd": (("CustomerRef", 0), ("RefundFromAccountRef", 0),
                              ("ARAccountRef", 0), ("TxnDate", 0), ("RefNumber", 11),
                              ("Address", 0), ("PaymentMethodRef", 0), ("Memo", 4095),
                              ("CreditCardTxnInfo", 0), ("ExchangeRate", 0),
                              ("ExternalGUID", 0), ("RefundAppliedToTxnAdd", 0)),
    "RefundAppliedToTxnAdd": (("TxnID", 0), ("RefundAmount", 0)),
}
KNOWN_REQUESTS = frozenset({
    "CustomerAddRq", "CustomerModRq", "CustomerQueryRq", "VendorQueryRq", "EmployeeQueryRq",
    "OtherNameQueryRq",
    "AccountQueryRq", "PaymentMethodQueryRq", "SalesTaxCodeQueryRq", "ItemQueryRq",
    "ItemInventoryQueryRq", "ItemNonInventoryQueryRq", "ItemServiceQueryRq",
    "ItemOtherChargeQueryRq", "ItemSalesTaxQueryRq", "ItemDiscountQueryRq",
    "ItemInventoryAddRq", "ItemNonInventoryAddRq", "ItemServiceAddRq", "ItemOtherChargeAddRq",
    "ItemSalesTaxAddRq", "SalesReceiptAddRq", "InvoiceAddRq", "CreditMemoAddRq",
    "ReceivePaymentAddRq", "SalesReceiptQueryRq", "InvoiceQueryRq", "CreditMemoQueryRq",
    "ReceivePaymentQueryRq", "TransactionQueryRq", "TxnVoidRq", "PreferencesQueryRq",
    "SalesReceiptModRq", "InvoiceModRq", "CreditMemoModRq", "TxnDeletedQueryRq",
    "ListDeletedQueryRq", "ItemNonInventoryModRq", "ItemInventoryModRq", "ItemServiceModRq",
    "ItemOtherChargeModRq", "ReceivePaymentToDepositQueryRq",
    "ARRefundCreditCardAddRq", "ARRefundCreditCardQueryRq", "TxnDelRq"})
_ON_ERROR = ("stopOnError", "continueOnError", "rollbackOnError")
PARSE_HRESULT = "0x80040400"
PARSE_MESSAGE = "QuickBooks found an error when parsing the provided XML text stream."


class QbxmlParseError(Exception):
    """The document was refused before any request ran (HRESULT 0x80040400)."""

    hresult = PARSE_HRESULT

    def __init__(self, detail: str) -> None:
        super().__init__(PARSE_MESSAGE)
        self.detail = detail


def _check_order(el: etree._Element, spec: tuple[tuple[str, int], ...]) -> None:
    position = {name: i for i, (name, _) in enumerate(spec)}
    limits = dict(spec)
    last = -1
    for child in el:
        if child.tag not in position:
            raise QbxmlParseError(f"{el.tag}/{child.tag}: element not expected")
        if position[child.tag] < last:
            raise QbxmlParseError(f"{el.tag}/{child.tag}: element out of order")
        last = position[child.tag]
        limit = limits[child.tag]
        if limit and len(child.text or "") > limit:
            raise QbxmlParseError(f"{el.tag}/{child.tag}: longer than {limit}")
        if child.tag in ADD_ORDER:
            _check_order(child, ADD_ORDER[child.tag])


def check_structure(root: etree._Element) -> None:
    """Structural checks without the XSD: envelope, onError, known Adds' order and lengths."""
    msgs = root.find("QBXMLMsgsRq")
    if root.tag != "QBXML" or msgs is None or len(root) != 1:
        raise QbxmlParseError("expected QBXML/QBXMLMsgsRq")
    if msgs.get("onError") not in _ON_ERROR:
        raise QbxmlParseError("QBXMLMsgsRq needs onError")
    for request in msgs:
        for body in request:
            if body.tag in ADD_ORDER:
                _check_order(body, ADD_ORDER[body.tag])
            if body.tag.startswith("Item") and body.tag.endswith("Add"):
                name = body.find("Name")
                if name is None or len(name.text or "") > 31 or body[0].tag != "Name":
                    raise QbxmlParseError(f"{body.tag}/Name: missing, misplaced or over 31")
