package redact

import (
	"strings"
	"sync"
)

// nicknameGroups lists common British given names with their usual short
// forms and pet names, one group a line: the formal name first. The table is
// used in both directions: a patient registered as Becky is also matched as
// Rebecca, Becca and Becs. A short form may sit in several groups (Sam,
// Alex, Chris); expanding it takes every group, which over-redacts a little
// in that patient's own texts and never leaks.
const nicknameGroups = `
Abigail Abi Abby Abbie Abbey Gail
Adam Ad
Adrian Ade
Agnes Aggie Nessa
Alan Al
Albert Al Bert Bertie Albie
Alexander Alex Alexa Al Xander Sandy Lex Zander Ally Alec Alistair
Alexandra Alex Alexa Lexi Lexie Sandra Sandy Ally Alix
Alfred Alf Alfie Fred Freddie Freddy
Alice Ali Allie Ally
Alison Ali Ally Allie
Alistair Ali Al Ally
Amanda Mandy Manda Amy
Amelia Millie Milly Mia Amy Mel
Andrew Andy Drew Andi
Angela Angie Ange
Anne Annie Nan Nancy
Anna Annie Ann
Anthony Tony Ant
Antonia Toni Tonia
Archibald Archie Baldie
Arthur Art Artie
Barbara Barb Barbie Babs
Barnaby Barney
Benjamin Ben Benji Benny Benjy
Bernard Bernie Bern
Bethany Beth Bethan
Beverley Bev
Bradley Brad
Brian Bri
Bridget Bridie Biddy Bridg
Caroline Carol Caz Carrie Caro Lina
Catherine Cath Cathy Kate Katie Cat Kath Kathy Cathie
Charles Charlie Chas Chaz Chuck Chay
Charlotte Charlie Lottie Lotte Char Lotty
Christina Chris Tina Chrissie Christie Kirsty
Christine Chris Chrissie Tina Christie Kirsty
Christopher Chris Kit Topher Christie
Clare Claire
Clifford Cliff
Colin Col
Constance Connie
Cynthia Cindy
Daniel Dan Danny Dani
Danielle Dani Elle Ellie
David Dave Davey Davy Davie Dai
Deborah Debbie Deb Debs Debra
Dennis Den Denny
Derek Del Dez
Diana Di Diane
Dominic Dom Nic
Donald Don Donny
Dorothy Dot Dotty Dora Dolly Dottie
Douglas Doug Dougie
Edward Ed Eddie Eddy Ted Teddy Ned
Edwin Ed Eddie
Eleanor Ellie Elle Nell Nellie Nora Ella Leanne
Elizabeth Liz Lizzie Lizzy Beth Betty Bess Bessie Eliza Libby Lisa Elsie Betsy Liza Ellie Lilibet
Ellen Ellie Nell
Emily Em Emmy Millie Emmie
Emma Em Emmy Emmie
Eric Ric
Eugene Gene
Evelyn Eve Evie Lyn
Florence Flo Florrie Floss Flossie
Frances Fran Frankie Fanny
Francis Frank Frankie Fran
Frederick Fred Freddie Freddy Fritz
Gabriel Gabe Gabby
Gabrielle Gabby Gabi Elle
Gareth Gaz Gary Gaz
Gary Gaz
Geoffrey Geoff Jeff
George Georgie Geo
Georgina Georgie Gina George
Gerald Gerry Ged Jerry
Geraldine Gerry Geri Dina
Gertrude Gertie Trudy
Gillian Gill Gilly Jill
Gordon Gordy
Graham Gray
Gregory Greg
Gwendolyn Gwen Wendy
Harold Harry Hal
Harriet Hattie Hatty Harry Etta
Helen Nell Nellie Lena
Henry Harry Hal Hank Hen
Herbert Herb Bert Bertie
Hugh Hughie
Imogen Immy Midge
Isabel Izzy Bella Issy Belle Isa Izzie Isabelle Isabella Ibby
Jacob Jake Jac Jakey
Jacqueline Jackie Jacqui Jacky
James Jim Jimmy Jamie Jimbo Jamesy Jay Jem
Jane Janie Jenny
Janet Jan Jenny Netty
Jason Jay Jase
Jennifer Jen Jenny Jenni Jennie Jenna
Jeremy Jerry Jez
Jessica Jess Jessie Jessy
Joanna Jo Joanne Jojo
Joanne Jo Jojo
John Johnny Jack Jon Jonny
Jonathan Jon Jonny Johnny Nathan
Joseph Joe Joey Jo Jos
Josephine Jo Josie Jose Jojo Fifi
Joshua Josh
Judith Judy Jude Jude
Julian Jules
Juliet Jules Julie
Katherine Kate Katie Kath Kathy Kay Kat Kit Kitty Cathy Katy
Kathleen Kath Kathy Kate Katie Kay
Kenneth Ken Kenny
Kimberley Kim Kimmy
Lawrence Laurie Larry Lol Lawrie
Leonard Len Lenny Leo
Lesley Les
Leslie Les
Lewis Lew Lou
Lillian Lily Lil Lilly
Louisa Lou Lulu Louie
Louise Lou Lulu Louie Lou-Lou
Lucinda Lucy Cindy
Lucy Luce Lu
Madeleine Maddie Maddy Madge
Margaret Maggie Meg Peggy Marge Madge Mags Greta Daisy Rita Peg Maisie
Marion Mary
Marjorie Marge Margie Jorie
Martin Marty Mart
Mary Molly Polly Mae May Mamie
Matilda Tilly Tilda Mattie Maud
Matthew Matt Matty Mat
Maureen Mo Mo
Maurice Mo Mossie
Maxwell Max
Megan Meg Meggie
Melanie Mel
Melissa Mel Missy Lissa
Michael Mike Mick Mickey Micky Mikey Mich
Michelle Shell Shelley Mich Chelle
Miranda Mandy Randa
Mohammed Mo Mohammad Muhammad Mohamed Moe
Nathan Nate Nat
Nathaniel Nat Nate Nathan
Nicholas Nick Nicky Nico Nic Cole
Nicola Nicky Nikki Nic Cola
Norman Norm
Oliver Olly Ollie Noll
Olivia Liv Livvy Ollie Olly Livia Via
Pamela Pam Pammy
Patricia Pat Patty Patsy Trish Tricia Trisha
Patrick Pat Paddy Patsy Rick
Penelope Penny Pen Nell
Peter Pete
Philip Phil Pip
Phillip Phil Pip
Philippa Pippa Pip Phil
Priscilla Cilla Prissy
Rachel Rach Rae
Raymond Ray
Rebecca Becca Becky Becs Bex Beck Becks
Reginald Reg Reggie
Richard Rich Rick Ricky Dick Richie Ritchie Dickie
Robert Rob Bob Bobby Robbie Bert Robin Robby
Roberta Bobbie Robbie Berta
Rodney Rod Roddy
Ronald Ron Ronnie
Rosalind Ros Roz Rosie
Rosemary Rose Rosie Romy
Ruth Ruthie
Samantha Sam Sammy Sammie
Samuel Sam Sammy Sammie
Sandra Sandy Sandi
Sarah Sara Sal Sally Sadie
Sebastian Seb Bastian
Sharon Shaz Shaz
Sophia Sophie Soph
Sophie Soph Sophia
Stanley Stan
Stephanie Steph Stevie Steff
Stephen Steve Stevie Steph
Steven Steve Stevie
Susan Sue Susie Suzy Suzie Sukie
Suzanne Sue Suzy Suzie
Teresa Terri Terry Tess Tessa Tessie Tracy
Terence Terry Tel
Theodore Theo Ted Teddy
Thomas Tom Tommy Thom
Timothy Tim Timmy
Tobias Toby
Valerie Val
Veronica Ronnie Vera Nicky
Victoria Vicky Vicki Tori Vic Vikki
Vincent Vince Vinnie Vin
Virginia Ginny Ginnie
Walter Walt Wally
William Will Bill Billy Liam Willy Willie Wills Billie
Winifred Winnie Freda
Yvonne Vonnie
Zachary Zach Zack Zak
Zoe Zo
Kayleigh Kay
Leanne Lea
Siobhan Shiv
Aoife Eva
Callum Cal
Connor Con
Declan Dec
Finlay Finn Fin
Harrison Harry Haz
Harvey Harv
Jessamine Jess
Lauren Laurie Lauz
Luke Lukey
Mathew Matt Matty
Niamh Neve
Oscar Ozzy Ozzie
Owen Owie
Ryan Ry
Scarlett Scar Lettie
Sienna Si
Simon Si Simes
Tyler Ty
Jacinta Jacs
Kieran Kez
Kerry Kez
Lindsay Lindsey Linz
Gemma Gem Jem
Hannah Han Hannie
Laura Laurie Lau
Mohammad Mo
Muhammad Mo
Aisha Ash
Ashley Ash
Ashleigh Ash
Francesca Fran Frankie Chess Cesca
Natalie Nat Tally Nattie
Natasha Tash Tasha Nat
Chelsea Chels
Chantelle Chan
Courtney Court
Danielle Dani
Jacqueline Jacqui
Kimberly Kim
Allison Ali Allie
Cameron Cam Cammy
Cassandra Cass Cassie Sandra
Felicity Fliss Flick Liss
Gabriella Gabby Ella Gabi
Georgia Georgie George
Grace Gracie
Isabella Bella Izzy Issy Belle
Isabelle Belle Izzy Issy Bella
Julia Jules Julie
Kathryn Kate Katie Kath Kathy
Russell Russ Rusty
Stuart Stu Stew
Vanessa Ness Nessa Van
Vincent Vinny
`

var (
	nickOnce sync.Once
	nickIdx  map[string][]int // lower-case name -> groups it belongs to
	nickGrp  [][]string       // lower-case groups
)

func loadNicknames() {
	nickIdx = map[string][]int{}
	for _, line := range strings.Split(nicknameGroups, "\n") {
		f := strings.Fields(strings.ToLower(line))
		if len(f) == 0 {
			continue
		}
		g := len(nickGrp)
		nickGrp = append(nickGrp, f)
		for _, n := range f {
			idx := nickIdx[n]
			if len(idx) == 0 || idx[len(idx)-1] != g {
				nickIdx[n] = append(idx, g)
			}
		}
	}
}

// nameVariants returns the lower-case forms a given name is also known by:
// the name itself, every group it belongs to, and for a short form every
// formal name it abbreviates with their short forms. Sorted is not needed:
// callers add every entry to a set.
func nameVariants(name string) []string {
	nickOnce.Do(loadNicknames)
	n := strings.ToLower(name)
	out := []string{n}
	for _, g := range nickIdx[n] {
		out = append(out, nickGrp[g]...)
	}
	return out
}
