using System.CommandLine;
using AutoEncoders.Data;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// `ae datasets`: the catalog, and for each split where its files were found (or where they were looked for),
/// whether they are verified, and how many items they hold; `--download NAME` fetches what is missing.
/// </summary>
internal static class DatasetsCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string?>("--data-dir")
        {
            Description = "A data root searched first: it holds one folder per dataset (<root>/mnist/...). Then come $AE_DATA_PATH, /usr/share/datasets and the cache.",
        };
        var download = new Option<string?>("--download")
        {
            Description = "Download the missing published files of this dataset into the cache (verified by SHA-256) before listing.",
        };
        var command = new Command("datasets", "List the dataset catalog: where each split was found, whether it is verified, how many items it holds.");
        command.Options.Add(dataDir);
        command.Options.Add(download);
        command.SetAction(parse =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            string? root = parse.GetValue(dataDir);
            if (root is not null && !Directory.Exists(root))
            {
                throw new DirectoryNotFoundException($"--data-dir {root}: no such folder.");
            }

            var options = new DatasetOptions { DataDirectory = root, Log = line => output.WriteLine(line) };
            if (parse.GetValue(download) is string name)
            {
                IReadOnlyList<string> fetched = DatasetCatalog.Default.Download(name, options);
                output.WriteLine(fetched.Count == 0
                    ? $"{DatasetCatalog.Default.Get(name).Name}: every published file is already on disk; nothing to download."
                    : $"{DatasetCatalog.Default.Get(name).Name}: downloaded {fetched.Count} file(s).");
                output.WriteLine();
            }

            var locator = new DatasetLocator(options);
            foreach (DatasetDescriptor dataset in DatasetCatalog.Default.Datasets)
            {
                Describe(dataset, locator, output);
            }

            output.WriteLine($"Folders searched, in order: --data-dir, ${DatasetOptions.SearchPathVariable} (':'-separated roots), {DatasetOptions.DefaultSystemDirectory}, then the cache ({locator.CacheRoot}); each holds <name>/ folders.");
            output.WriteLine($"Missing data: `ae datasets --download NAME` (verified download into the cache), `apt-get install dataset-fashion-mnist`, or put the files in <root>/<name>/ and set {DatasetOptions.SearchPathVariable}=<root>.");
            return 0;
        });
        return command;
    }

    private static void Describe(DatasetDescriptor dataset, DatasetLocator locator, TextWriter output)
    {
        output.WriteLine($"{dataset.Name}: {dataset.Description}");
        output.WriteLine($"  licence  {dataset.License}; {dataset.Homepage}");
        output.WriteLine($"  classes  {string.Join(", ", dataset.ClassNames)}");
        foreach (DatasetSplit split in dataset.Splits)
        {
            bool publishedFound = false;
            foreach (DatasetVariant variant in dataset.VariantsOf(split))
            {
                LocatedDataset located = locator.Locate(dataset, variant);
                string name = $"  {variant.Name,-10}";
                if (!located.Found)
                {
                    string missing = string.Join(", ", new[] { located.Images, located.Labels }.Where(f => !f.Found).Select(f => f.File.FileName));
                    output.WriteLine($"{name} not found ({variant.Count} items expected): no {missing} in {string.Join(", ", located.SearchedDirectories)}");
                }
                else
                {
                    publishedFound |= variant.IsPublished;
                    output.WriteLine($"{name} {Count(located)} items  {Where(located)}  {Verification(located)}");
                    if (!variant.IsPublished)
                    {
                        output.WriteLine(publishedFound
                            ? $"             not used: the full {split.ToString().ToLowerInvariant()} files were found."
                            : $"             used for {split.ToString().ToLowerInvariant()}. {variant.Note}");
                    }
                }

                foreach (string rejected in located.Images.Rejected.Concat(located.Labels.Rejected))
                {
                    output.WriteLine($"             rejected {rejected}");
                }
            }
        }

        output.WriteLine();
    }

    private static string Count(LocatedDataset located)
    {
        try
        {
            int images = IdxReader.ReadHeader(located.Images.Path!).Count;
            int labels = IdxReader.ReadHeader(located.Labels.Path!).Count;
            return images == labels ? $"{images}" : $"{images} images but {labels} labels";
        }
        catch (DataFormatException e)
        {
            return $"unreadable ({e.Message})";
        }
    }

    private static string Where(LocatedDataset located)
    {
        string? imagesFolder = Path.GetDirectoryName(located.Images.Path);
        string? labelsFolder = Path.GetDirectoryName(located.Labels.Path);
        SearchDirectory? origin = located.SearchedDirectories.FirstOrDefault(d => d.Path == imagesFolder);
        return imagesFolder == labelsFolder
            ? origin?.ToString() ?? imagesFolder!
            : $"{located.Images.Path} and {located.Labels.Path}";
    }

    private static string Verification(LocatedDataset located)
    {
        LocatedFile[] files = [located.Images, located.Labels];
        if (files.All(f => f.Verification == FileVerification.PublishedArchive))
        {
            return "verified (SHA-256 of the files)";
        }

        if (files.All(f => f.Verified))
        {
            return "verified (SHA-256 of the decompressed content; the files were recompressed)";
        }

        return "UNVERIFIED: " + string.Join(" ", files.Where(f => !f.Verified).Select(f => $"{Path.GetFileName(f.Path)} {f.Detail}"));
    }
}
