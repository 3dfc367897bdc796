namespace Quota.AspNetCore;

/// <summary>Registered by <c>AddHttp(configuration)</c>: tells <c>UseQuota()</c> that the HTTP settings in configuration are bound.</summary>
internal sealed class HttpConfigurationBound;
