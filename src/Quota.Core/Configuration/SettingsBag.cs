namespace Quota;

/// <summary>
/// The settings other packages add to Quota's options (Quota.AspNetCore's HTTP settings, say), one object per type,
/// created on first use. Like the options that hold it, it is filled in while the application starts and read after.
/// </summary>
internal sealed class SettingsBag
{
    private Dictionary<Type, object>? _settings;

    public TSettings Get<TSettings>()
        where TSettings : class, new()
    {
        _settings ??= [];
        if (!_settings.TryGetValue(typeof(TSettings), out var settings))
        {
            settings = new TSettings();
            _settings[typeof(TSettings)] = settings;
        }

        return (TSettings)settings;
    }
}
