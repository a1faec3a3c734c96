namespace AutoEncoders.Data;

/// <summary>Common English function words dropped from bags of words (a short list in the spirit of SMART's).</summary>
public static class EnglishStopWords
{
    private static readonly HashSet<string> Words = new(
        """
        a about above after again against all am an and any are aren as at be because been before being below between
        both but by can cannot could couldn did didn do does doesn doing don down during each few for from further had
        hadn has hasn have haven having he her here hers herself him himself his how if in into is isn it its itself
        just let ll me more most mustn my myself no nor not now of off on once only or other ought our ours ourselves
        out over own re same shan she should shouldn so some such than that the their theirs them themselves then there
        these they this those through to too under until up ve very was wasn we were weren what when where which while
        who whom why will with won would wouldn you your yours yourself yourselves also us may might must shall
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries),
        StringComparer.Ordinal);

    /// <summary>The stop words.</summary>
    public static IReadOnlySet<string> All => Words;

    /// <summary>True when <paramref name="word"/> (lower case) is a stop word.</summary>
    public static bool Contains(string word) => Words.Contains(word);
}
