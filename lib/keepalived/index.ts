export { VrrpVersion, VrrpState, LvsScheduler, LvsMethod, LvsProtocol } from './enums';
export { KeepalivedNode } from './node';
export { VrrpScriptProps } from './vrrp-script';
export { VrrpInstanceProps } from './vrrp-instance';
export { TcpCheckProps, HttpGetCheckProps, RealServerProps, VirtualServerProps } from './virtual-server';
export { GlobalDefsProps } from './global-defs';
export { Sysctl, HostPreparationProps, HostPreparation } from './host-preparation';
export { KeepalivedConfigProps, KeepalivedConfig } from './keepalived-config';
