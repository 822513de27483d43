// TLSimulator
