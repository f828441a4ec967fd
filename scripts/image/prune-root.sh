#!/usr/bin/env bash
# prune-root.sh ROOT — what a panel's root never uses, removed so it fits its 1 GiB slot with room for
# updates to grow: kernel modules for hardware no Raspberry Pi 4 (or the emulated machine) has —
# server NICs, other SoCs' GPUs, Wi-Fi chips other than the Pi's Broadcom, InfiniBand, SAN adapters —
# then depmod; the kernel and initramfs, which live on the boot
# partitions; Node addons' prebuilt binaries for other platforms and their C sources.
set -euo pipefail
root="${1:?usage: prune-root.sh ROOT}"
kver="$(ls "$root/lib/modules")"
k="$root/lib/modules/$kver/kernel"
rm -rf "$k"/drivers/gpu/drm/{amd,radeon,nouveau,msm,tegra,mediatek,rockchip,exynos,meson,sun4i,hisilicon,panfrost,lima,etnaviv,imx,tilcdc,ast,mgag200,xlnx,i915,qxl,bochs,tidss,omapdrm,ingenic,mcde,pl111,nxp,renesas,sti,stm,armada}
rm -rf "$k"/drivers/net/ethernet/{mellanox,chelsio,intel,qlogic,marvell,cavium,huawei,hisilicon,freescale,amazon,amd,aquantia,netronome,emulex,sfc,mscc,ti,stmicro,qualcomm,mediatek,rockchip,socionext,apm,pensando,google,microsoft,cisco,brocade,neterion,sun,dec,atheros,realtek,synopsys,engleder,wangxun,fungible,xilinx,allwinner,renesas,samsung,microchip}
rm -rf "$k"/drivers/net/wireless/{ath,intel,mediatek,realtek,marvell,ralink,rsi,ti,zydas,quantenna,microchip,atmel,st,intersil,admtek,purelifi,silabs}
rm -rf "$k"/drivers/infiniband "$k"/drivers/net/ethernet/broadcom/{bnx2x,bnxt}
rm -rf "$k"/drivers/scsi/{qla2xxx,lpfc,mpt3sas,megaraid,be2iscsi,bfa,csiostor,cxgbi,fcoe,hisi_sas,qedi,qedf,smartpqi,aacraid,bnx2fc,bnx2i,elx,qla4xxx,mpi3mr,arcmsr,hpsa.ko,snic,fnic,pm8001,mvsas,isci,libfc}
rm -rf "$k"/drivers/net/ethernet/broadcom/bnx2x "$k"/drivers/crypto/{hisilicon,marvell,cavium,caam,ccp,qat,chelsio}
# The image's own depmod (arm64, under qemu-user): the host may have no kmod.
chroot "$root" /sbin/depmod "$kver"
rm -f "$root"/boot/vmlinuz-* "$root"/boot/initrd.img-* "$root"/boot/System.map-*
# Node addons: only linux-arm64 (glibc) binaries are ever loaded on the panel.
find "$root/opt/portvakt/node_modules" -type d -name prebuilds -prune -print0 |
  while IFS= read -r -d '' dir; do
    find "$dir" -mindepth 1 -maxdepth 1 ! -name 'linux-arm64*' -exec rm -rf {} +
    find "$dir" -name '*musl*' -delete
  done
rm -rf "$root/opt/portvakt/node_modules/better-sqlite3/deps" "$root/opt/portvakt/node_modules/better-sqlite3/src"
