; Inno Setup script for Ecom Ledger (Windows).
;
; Packs the one-folder bundle that `make build` (build.spec) leaves in dist\ecom-ledger. Build with
;   iscc /DAppVersion=0.1.0 installers\windows\ecom-ledger.iss
; (run from the project folder; AppVersion defaults to the value below). The installer:
;   * closes the running app first (Restart Manager; the app quits like "Quit" in its tray menu),
;   * replaces the previous version in place (same AppId) and removes its stale library files,
;   * offers to start the app at sign-in (the same Run value the app's Settings page switches),
;   * installs per user by default (no administrator needed), or for everyone when elevated,
;   * registers an uninstaller that also removes the start-at-sign-in value.
; The data folder (%LOCALAPPDATA%\ecom-ledger) and the passwords in Windows Credential Manager are
; left alone on uninstall: they belong to the merchant, and reinstalling picks them up again.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Ecom Ledger"
#define AppExe "ecom-ledger-app.exe"
#define CliExe "ecom-ledger.exe"
#define SourceDir "..\..\dist\ecom-ledger"
; the app icon tools/make_icons.py renders (build.spec also puts it in both executables)
#define AppIcon "..\..\resources\icons\app.ico"
; must match ENTRY_NAME in ecom_ledger_desktop/app/autostart.py
#define RunValue "EcomLedgerDesktop"

[Setup]
; never change the AppId: it is how a new version finds (and replaces) the old one
AppId={{6B1E2F4A-3C5D-4E7F-9A1B-2C3D4E5F6A7B}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=ecom-ledger-desktop
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=ecom-ledger-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
SetupIconFile={#AppIcon}
; the icon embedded in the app's executable (from the same app.ico) for Apps & features
UninstallDisplayIcon={app}\{#AppExe},0
UninstallDisplayName={#AppName}
; close the running app (and a running `ecom-ledger schedule`) before files are replaced
CloseApplications=force
CloseApplicationsFilter=*.exe,*.dll,*.pyd
RestartApplications=no
SetupLogging=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "startatlogin"; Description: "Start {#AppName} in the system tray when I sign in"; \
    GroupDescription: "Start-up:"
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; \
    GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; a new version may drop libraries: clear the old ones so nothing stale is loaded
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; \
    ValueName: "{#RunValue}"; ValueData: """{app}\{#AppExe}"" --hidden"; \
    Tasks: startatlogin; Flags: uninsdeletevalue

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; \
    Flags: nowait postinstall skipifsilent

[UninstallRun]
; ask a running app to quit the way its tray menu does (it finishes a running sync first)
Filename: "{sys}\taskkill.exe"; Parameters: "/IM {#AppExe}"; Flags: runhidden; \
    RunOnceId: "CloseApp"
Filename: "{sys}\taskkill.exe"; Parameters: "/IM {#CliExe}"; Flags: runhidden; \
    RunOnceId: "CloseCli"

[Code]
// the Run value may have been set from the app's Settings page rather than by this installer
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usPostUninstall then
    RegDeleteValue(HKEY_CURRENT_USER, 'Software\Microsoft\Windows\CurrentVersion\Run',
                   '{#RunValue}');
end;
