; Inno Setup 6.3+ script: bpdesk's Windows installer.
;
; Build the one-folder bundle first (it lands in dist\bpdesk\, with bpdesk.exe and
; bpdesk-cli.exe), then compile from the repository root:
;   python packaging\make_icons.py packaging\build\icons
;   set BPDESK_ICONS=packaging\build\icons
;   pyinstaller --noconfirm packaging\bpdesk.spec
;   iscc /DAppVersion=0.1.0 packaging\windows\bpdesk.iss
; The installer is written to dist\bpdesk-0.1.0-windows-x64-setup.exe.
;
; It installs per machine (or per user, if the user chooses so in the dialog), adds a
; Start-menu entry and an uninstaller, and opens .bpdesk session files with bpdesk, shown
; with bpdesk's icon.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "bpdesk"
#define AppExe "bpdesk.exe"
#define AppPublisher "The bpdesk developers"
#define AppUrl "https://github.com/bpdesk/bpdesk"
#define AssocExt ".bpdesk"
#define AssocProgId "bpdesk.Session.1"
#define AssocName "bpdesk session"
#define Root ".."

[Setup]
; A fixed AppId keeps upgrades and the uninstaller tied to the same entry in Windows.
AppId={{6B1D2F4E-5C3A-4E8B-9A7D-0F2B1C8E4D63}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
AppPublisherURL={#AppUrl}
AppSupportURL={#AppUrl}
AppUpdatesURL={#AppUrl}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
SetupIconFile={#Root}\build\icons\bpdesk.ico
OutputDir={#Root}\..\dist
OutputBaseFilename=bpdesk-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
VersionInfoVersion={#AppVersion}

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Root}\..\dist\bpdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Step a neural network through backpropagation"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; .bpdesk files open in bpdesk and show its icon (HKA: the machine's or the user's classes,
; following the install mode).
Root: HKA; Subkey: "Software\Classes\{#AssocExt}\OpenWithProgids"; ValueType: string; ValueName: "{#AssocProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#AssocExt}"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-bpdesk-session"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#AssocProgId}"; ValueType: string; ValueName: ""; ValueData: "{#AssocName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#AssocProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#AssocProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: "{#AssocExt}"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
