namespace Quota.Samples.WebApi.Tests.Support;

/// <summary>Finds files of the repository from the test's output folder.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "Quota.sln")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException("Quota.sln was not found above " + AppContext.BaseDirectory);
    }
}
