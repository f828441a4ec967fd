#!/usr/bin/env bash
# configure-root.sh ROOT — turns the base root + application tree into the panel's root file system:
# users and groups, the units (deploy/systemd/, deploy/kiosk/, the image's own in rootfs/), the
# read-only root's settings (fstab, volatile journal, empty machine-id). Runs the HOST's useradd and
# systemctl with --root: no arm64 process, no mounts.
set -euo pipefail
root="${1:?usage: configure-root.sh ROOT}"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

# The image's own files: fstab, network, journald, udev rules, first boot, the lab channel, templates.
cp -a "$here/rootfs/." "$root/"

# Users. "gpio" owns the GPIO character devices (udev rule); the panel gets only its devices' groups.
groupadd --root "$root" --system gpio 2>/dev/null || true
if ! grep -q '^portvakt:' "$root/etc/passwd"; then
  useradd --root "$root" --system --user-group --home-dir /var/lib/portvakt --no-create-home \
    --shell /usr/sbin/nologin --groups gpio,dialout,audio,video portvakt
fi

# Units.
install -m 0644 "$repo"/deploy/systemd/*.service "$root/etc/systemd/system/"
rm -f "$root/etc/systemd/system/portvakt-hub.service" # a hub machine's unit, not a panel's
install -d "$root/etc/portvakt"
[[ -f "$root/etc/portvakt/panel.env" ]] || install -m 0644 "$repo/deploy/systemd/panel.env" "$root/etc/portvakt/"
# Updates (docs/updates.md): RAUC's view of the slots, the release keyring pinned in the read-only root,
# the panel's right to ask RAUC to install and to reboot, the guard that rolls back an unconfirmed trial.
install -d "$root/etc/rauc" "$root/etc/dbus-1/system.d" "$root/etc/polkit-1/rules.d"
install -m 0644 "$repo/deploy/rauc/system.conf" "$root/etc/rauc/system.conf"
install -m 0644 "$repo/deploy/rauc/dbus-portvakt-rauc.conf" "$root/etc/dbus-1/system.d/portvakt-rauc.conf"
install -m 0644 "$repo/deploy/rauc/50-portvakt-reboot.rules" "$root/etc/polkit-1/rules.d/"
install -m 0644 "$repo/deploy/systemd/portvakt-update-guard.timer" "$root/etc/systemd/system/"
if [[ -n "${PORTVAKT_RELEASE_KEYRING:-}" ]]; then
  install -m 0644 "$PORTVAKT_RELEASE_KEYRING" "$root/etc/rauc/keyring.pem"
else
  echo "configure-root: no PORTVAKT_RELEASE_KEYRING: this image refuses every update bundle" >&2
fi
# The kiosk, when the image has it (PORTVAKT_IMAGE_KIOSK=1): its own user, PAM session, settings
# (deploy/kiosk/README.md).
if [[ -x "$root/usr/bin/cage" ]]; then
  install -m 0644 "$repo/deploy/kiosk/portvakt-kiosk.service" "$root/etc/systemd/system/"
  install -m 0644 "$repo/deploy/kiosk/pam-portvakt-kiosk" "$root/etc/pam.d/portvakt-kiosk"
  install -m 0644 "$repo/deploy/kiosk/kiosk.yaml" "$root/etc/portvakt/kiosk.yaml"
  install -m 0644 "$repo/deploy/kiosk/90-portvakt-backlight.rules" "$root/etc/udev/rules.d/"
  grep -q '^portvakt-kiosk:' "$root/etc/passwd" ||
    useradd --root "$root" --system --create-home --home-dir /var/lib/portvakt-kiosk \
      --shell /usr/sbin/nologin --groups video,input,render portvakt-kiosk
fi
systemctl --root="$root" --quiet enable systemd-networkd.service systemd-resolved.service \
  systemd-timesyncd.service portvakt-firstboot.service portvakt-panel.service portvakt-update-guard.timer
[[ -f "$root/etc/systemd/system/portvakt-kiosk.service" ]] &&
  systemctl --root="$root" --quiet enable portvakt-kiosk.service
# Debian's maintenance timers that cannot work on a read-only root (apt's downloads and upgrades, dpkg's
# database backup: software changes only as a whole, signed update) or do not apply (e2scrub needs LVM).
systemctl --root="$root" --quiet mask apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer \
  e2scrub_all.timer 2>/dev/null || true
# pcscd starts on demand (its socket); no getty on the screen's first console fights the kiosk.
systemctl --root="$root" --quiet enable pcscd.socket 2>/dev/null || true

# /dev/hvc0 (only qemu has one) belongs to the lab channel; systemd's getty generator would start a login
# prompt on it too.
ln -sfn /dev/null "$root/etc/systemd/system/serial-getty@hvc0.service"
# Read-only root: mount points, an empty machine-id (systemd makes a transient one at each boot), resolv.conf
# to systemd-resolved's stub in /run.
install -d -m 0700 "$root/var/lib/portvakt"
install -d "$root/boot/config"
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"
ln -sfn ../run/systemd/resolve/stub-resolv.conf "$root/etc/resolv.conf"
# Hardware watchdog (the Pi's bcm2835_wdt): a hung kernel or PID 1 reboots (image-layout.md, A/B).
install -d "$root/etc/systemd/system.conf.d"
cat >"$root/etc/systemd/system.conf.d/portvakt.conf" <<'EOF'
# A hung kernel or PID 1 reboots the panel by the hardware watchdog (on a Raspberry Pi bcm2835_wdt; none
# on the emulated machine). A stuck boot after a tryboot update thus falls back to the primary slot.
[Manager]
RuntimeWatchdogSec=15s
RebootWatchdogSec=2min
EOF
# Caches and leftovers the image does not need.
rm -rf "$root/var/cache/apt/"*.bin "$root/var/lib/apt/lists/"* "$root/tmp/"* 2>/dev/null || true
