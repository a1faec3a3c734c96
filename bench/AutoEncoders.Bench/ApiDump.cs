using System.Reflection;

namespace AutoEncoders.Bench;

/// <summary>Lists public members of TorchSharp whose signature contains a pattern (there is no API dump on this machine).</summary>
internal static class ApiDump
{
    public static void Print(string pattern)
    {
        Assembly assembly = typeof(TorchSharp.torch).Assembly;
        foreach (Type type in assembly.GetExportedTypes())
        {
            foreach (MemberInfo member in type.GetMembers(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                string text = $"{type.FullName}::{member}";
                if (text.Contains(pattern, StringComparison.OrdinalIgnoreCase))
                {
                    Console.WriteLine(text);
                }
            }
        }
    }
}
