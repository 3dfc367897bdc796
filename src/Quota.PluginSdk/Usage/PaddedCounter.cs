using System.Runtime.InteropServices;

namespace Quota.PluginSdk;

/// <summary>
/// A counter alone on its cache line, so that threads adding to it do not slow down reads of the fields next to it
/// (false sharing).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedCounter
{
    [FieldOffset(64)]
    public long Value;
}
