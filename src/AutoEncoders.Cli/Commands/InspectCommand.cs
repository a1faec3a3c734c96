using System.CommandLine;
using AutoEncoders.Cli.Inspection;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// `ae inspect FILE`: what a data file or image folder holds (format, shape, element type, value range, label
/// counts, the content SHA-256 of IDX files), or exactly why it is refused. Loads libtorch only for the .npy arrays
/// and .aeidx code indexes that `ae` writes.
/// </summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path")
        {
            Description = "An IDX file (.gz or raw), a CSV table, a sequence file (UCR layout), a PNG/JPEG image, a folder of images, or a .npy array or .aeidx code index written by ae.",
        };
        var label = new Option<string?>("--label-column", "--label")
        {
            Description = "The CSV label column (default: a column named label, class, target or y, if any).",
        };
        var ignore = new Option<string[]>("--ignore")
        {
            Description = "CSV columns to read past (identifiers, timestamps, text); repeat for several.",
            AllowMultipleArgumentsPerToken = true,
        };
        var noLabel = new Option<bool>("--no-label")
        {
            Description = "A sequence file's rows have no leading class label (the UCR archive's rows do).",
        };
        var channels = new Option<int>("--channels")
        {
            Description = "Variables per time step in a sequence file; each row holds the channels one after another.",
            DefaultValueFactory = _ => 1,
        };
        var command = new Command("inspect", "Say what a data file holds (format, shape, element type, value range, label counts, checksum), or a .npy or .aeidx file that ae wrote, or why it is refused.");
        command.Arguments.Add(path);
        command.Options.Add(label);
        command.Options.Add(ignore);
        command.Options.Add(noLabel);
        command.Options.Add(channels);
        command.SetAction(parse =>
        {
            int channelCount = parse.GetValue(channels);
            if (channelCount < 1)
            {
                throw new ArgumentException($"--channels {channelCount}: expected 1 or more.");
            }

            var settings = new InspectSettings(parse.GetValue(label), parse.GetValue(ignore) ?? [], !parse.GetValue(noLabel), channelCount);
            DataFileInspector.Inspect(parse.GetRequiredValue(path), settings, parse.InvocationConfiguration.Output);
            return 0;
        });
        return command;
    }
}
