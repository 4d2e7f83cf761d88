// Package nereval measures the NER model of package ner and the prose
// baseline of package prosener. It holds tests only:
//
//   - TestDevSplits: entity-level precision, recall, leak recall and
//     overlap precision of the tagger alone on the DEV splits of issue 15
//     (wikigold news, btc_h social media, UNER EWT test web text; never
//     trained or tuned on); DEID_NER_MODEL scores a candidate model file,
//     DEID_NER_EVAL other files;
//   - TestProseBaseline: the same on btc_h, ner against prose;
//   - TestSynthHeldOut: the same on synthetic therapy dialogue from
//     evaluation seeds 500..509 (training uses seeds >= 1,000,000);
//   - TestAnnoMIOverRedaction: the share of word tokens tagged in AnnoMI
//     counselling dialogue, which has few names;
//   - BenchmarkEntitiesAnnoMI: throughput on AnnoMI turns.
//
// It lives apart from package ner so that ner's own unit tests do not
// depend on the synthetic generator (and through it the pipeline) or on
// prose. Tests that need ../shared skip cleanly without it.
package nereval
