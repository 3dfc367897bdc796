using System.Collections.ObjectModel;

namespace Quota;

internal static class EmptyMeters
{
    public static readonly IReadOnlyDictionary<string, long> Instance = ReadOnlyDictionary<string, long>.Empty;
}
