"""PrestaShop Webservice simulator (1.7 / 8.x): ``/api/<resource>`` with ``ws_key`` auth, XML
and JSON output, filters / sort / limit / display, credit slips, stock writes, and faults."""

from .simulator import PrestaShopSimulator

__all__ = ["PrestaShopSimulator"]
