//! The costs, rates, funds and 7MSP documentation of the 2017 example.
